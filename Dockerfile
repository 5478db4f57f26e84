# Windfall web and worker image.
FROM python:3.12-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=windfall.settings.production

WORKDIR /app
# WeasyPrint (PDF documents) needs Pango and a font; the slim image has neither.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 windfall

COPY pyproject.toml constraints.txt README.md ./
COPY windfall/ windfall/
COPY core/ core/
COPY accounts/ accounts/
COPY catalog/ catalog/
COPY agreements/ agreements/
COPY scoring/ scoring/
RUN pip install -c constraints.txt .

COPY . .
# collectstatic needs settings but no real secret or database.
RUN DJANGO_SECRET_KEY=collectstatic-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput

USER windfall
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["gunicorn", "windfall.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "8", "--no-control-socket", "--access-logfile", "-"]
