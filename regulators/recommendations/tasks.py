from celery import shared_task


@shared_task(name="regulators.recommended_list_build")
def recommended_list_build(user_id=None):
    """Monthly (beat, the 1st at 03:00), or on demand by the municipal bureau (`user_id`)."""
    from identity.models import User

    from .build import recommended_list_build as build

    return build(user=User.objects.get(pk=user_id) if user_id else None).pk
