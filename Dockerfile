FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=jingzhidai.settings.production
# procps: the beat health check (pgrep); postgresql-client: pg_dump / pg_restore for `manage.py backup` / `restore`
RUN apt-get update && apt-get install -y --no-install-recommends procps postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN useradd --system --home /app jingzhidai && chown -R jingzhidai /app
USER jingzhidai
EXPOSE 8000
