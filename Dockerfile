# Dalil: the CLI and UI with Tesseract (ara, deu, eng) and the bundled models. Embedded backend by
# default; compose.yaml runs it against Elasticsearch (DALIL_BACKEND=elasticsearch).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 HAYSTACK_TELEMETRY_ENABLED=False DALIL_DATA=/data
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-ara tesseract-ocr-deu tesseract-ocr-eng \
      poppler-utils fonts-noto-core fonts-dejavu-core libraqm0 curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ingest ingest
COPY pipelines pipelines
COPY ui ui
COPY corpora corpora
RUN pip install .
VOLUME /data
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --retries=5 CMD curl -fsS http://localhost:8501/_stcore/health || exit 1
CMD ["dalil", "ui", "--headless", "--port", "8501"]
