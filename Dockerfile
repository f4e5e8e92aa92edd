# Production image: gunicorn + WhiteNoise; the same image runs the Celery worker and beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH"

# gettext for compilemessages; pg_dump/pg_restore for manage.py backup/restore; Pango/HarfBuzz
# and CJK fonts for WeasyPrint's PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext \
        postgresql-client \
        fonts-noto-cjk \
        libharfbuzz-subset0 \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-cache

COPY . .

# Build-time only: production settings refuse to load without a SECRET_KEY.
RUN DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=build-time-dummy-not-used-at-runtime \
        python manage.py compilemessages --ignore=.venv \
    && DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=build-time-dummy-not-used-at-runtime \
        python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app \
    && mkdir -p /app/media /app/backups \
    && chown app:app /app/media /app/backups

ENV DJANGO_SETTINGS_MODULE=config.settings.production
USER app
EXPOSE 8000

ENV GUNICORN_BIND=0.0.0.0:8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
