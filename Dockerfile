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
RUN useradd --create-home maaltavlen && chown -R maaltavlen /app
USER maaltavlen
EXPOSE 8000
