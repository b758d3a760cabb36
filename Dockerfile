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
# Plotly's JS into static/vendor/ (never committed): npm's basic bundle when npm is there, else the full bundle
# the plotly package ships; collectstatic then gives it a hashed name (docker-compose runs it at start).
RUN DEBUG=1 python manage.py vendor_plotly
# The English catalogue: only the .po is committed; polib compiles the .mo (no GNU gettext in the image).
RUN DEBUG=1 python manage.py compile_translations
RUN useradd --create-home maaltavlen && chown -R maaltavlen /app
USER maaltavlen
EXPOSE 8000
