"""Hosted mode as the project offers it: in the README's run command, and in the image, which serves
code its user cannot change, with no file watcher."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from playground.train.runs import hosted_mode

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_run_command_offers_hosted_mode_as_the_code_reads_it():
    readme = (ROOT / "README.md").read_text()
    (command,) = re.findall(r"`(PLAYGROUND_HOSTED=\S+) streamlit run app\.py`", readme)
    name, value = command.split("=")
    assert hosted_mode({name: value})


def test_the_image_serves_root_owned_code_without_a_file_watcher():
    dockerfile = (ROOT / "Dockerfile").read_text()
    copies = re.findall(r"^COPY (.*)$", dockerfile, re.M)
    assert copies and not any("--chown" in copy for copy in copies)  # COPY leaves root the owner
    (workdir,) = re.findall(r"^WORKDIR (\S+)$", dockerfile, re.M)
    assert not workdir.startswith("/home/")  # where the app's user could swap the folder for its own
    assert re.search(r"^USER app$", dockerfile, re.M)
    (command,) = re.findall(r"^CMD \[(.*?)\]$", dockerfile, re.M | re.S)
    assert '"--server.fileWatcherType=none"' in command
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"  # and so does a server started without the image
