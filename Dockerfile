# The portal's image: web (gunicorn), worker and beat (Celery) all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries and fonts (PDF reports), gettext for the translations.
# The same list as SYSTEM_PACKAGES in the Makefile.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 \
        libffi8 shared-mime-info fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 portal \
    && mkdir -p /data/media \
    && chown portal:portal /data/media
WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
# Static files are collected into the image and served by WhiteNoise with hashed names.
RUN STATIC_MANIFEST=1 python manage.py collectstatic --noinput \
    && if [ -d locale ]; then python manage.py compilemessages --ignore=.venv; fi

USER portal
ENV STATIC_MANIFEST=1 \
    MEDIA_ROOT=/data/media
EXPOSE 8000
# gunicorn reads its number of worker processes from here (2 measured best on 2 cores).
ENV WEB_CONCURRENCY=2
CMD ["gunicorn", "helsefellesskap.wsgi", "--bind", "0.0.0.0:8000"]
