FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Exact versions from requirements.lock (the same file `make setup` and CI install with).
COPY pyproject.toml README.md requirements.lock ./
COPY config ./config
COPY goals ./goals
COPY indicators ./indicators
COPY meetings ./meetings
COPY municipalities ./municipalities
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
# The meeting pack (WeasyPrint) draws text with the system's Pango and a font; nothing else is downloaded at run time.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# Plotly's JS into static/vendor/ (never committed): npm's basic bundle (≈0.4 MB gzipped), fetched with an npm
# that is installed for this step only and removed again. Without npm the command falls back to the plotly
# package's full bundle.
RUN apt-get update && apt-get install -y --no-install-recommends npm \
    && DEBUG=1 python manage.py vendor_plotly \
    && apt-get purge -y --auto-remove npm && rm -rf /var/lib/apt/lists/* /root/.npm
# The English catalogue: only the .po is committed; polib compiles the .mo (no GNU gettext in the image).
RUN DEBUG=1 python manage.py compile_translations
# Hashed, compressed static files for whitenoise, built into the image (production storage, so DEBUG is off; the
# key and host below exist only for this build step and sign nothing).
RUN SECRET_KEY=collectstatic-build-step ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
RUN useradd --create-home maaltavlen && chown -R maaltavlen /app
USER maaltavlen
EXPOSE 8000
