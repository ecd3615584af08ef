from celery import shared_task


@shared_task(name="regulators.recommended_list_build")
def recommended_list_build():
    """Monthly (beat, the 1st at 03:00): the recommended list of the month."""
    from .services import recommended_list_build as build

    return build().pk
