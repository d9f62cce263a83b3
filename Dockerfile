# The playground, headless on port 8501, as a non-root user. CPU torch by default: the CPU wheel
# index keeps the image small; --build-arg TORCH_INDEX=https://pypi.org/simple for a CUDA build
# (PyPI's Linux torch wheels are CUDA builds). See docs/hosting.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PLAYGROUND_DATA=/home/app/data PLAYGROUND_HOSTED=1 STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none

RUN useradd --create-home --uid 1000 app
# outside the app user's home, where it could rename the folder and put its own in its place
WORKDIR /opt/playground

COPY requirements.txt requirements-ray.txt ./
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
RUN pip install --extra-index-url "$TORCH_INDEX" -r requirements.txt
# --build-arg WITH_RAY=1: an image whose replicas send training jobs to the Ray cluster at RAY_ADDRESS
ARG WITH_RAY=0
RUN if [ "$WITH_RAY" = 1 ]; then pip install -r requirements-ray.txt; fi

# The code belongs to root: the app's user reads and runs it but cannot change what it serves (a
# compromised session cannot rewrite a page). What the app writes goes under /home/app: the data
# folder, the link-signing secret (~/.local/state), exported runs.
COPY . .
USER app

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"

# No file watcher: served code does not change under its students, and each session's watcher walks
# the loaded modules after every script run (.streamlit/config.toml says the same; this holds
# without it too).
CMD ["streamlit", "run", "app.py", "--server.headless=true", "--server.port=8501", \
     "--server.address=0.0.0.0", "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"]
