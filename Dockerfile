FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY goals ./goals
COPY indicators ./indicators
COPY municipalities ./municipalities
RUN pip install --no-cache-dir .
COPY . .
# Plotly's JS into static/vendor/ (never committed): npm's basic bundle (≈0.4 MB gzipped), fetched with an npm
# that is installed for this step only and removed again; collectstatic then gives it a hashed name
# (docker-compose runs it at start). Without npm the command falls back to the plotly package's full bundle.
RUN apt-get update && apt-get install -y --no-install-recommends npm \
    && DEBUG=1 python manage.py vendor_plotly \
    && apt-get purge -y --auto-remove npm && rm -rf /var/lib/apt/lists/* /root/.npm
# The English catalogue: only the .po is committed; polib compiles the .mo (no GNU gettext in the image).
RUN DEBUG=1 python manage.py compile_translations
RUN useradd --create-home maaltavlen && chown -R maaltavlen /app
USER maaltavlen
EXPOSE 8000
