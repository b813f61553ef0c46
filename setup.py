"""The wheel carries what the server serves and reads beside its code: the web
client (templates, static files, vendored libraries, catalogs) and the demo
agenda. In the repository they sit at the top level (web_client/, agendas/),
where people edit them; a build copies them into the package
(meeting_server/web_client, meeting_server/agendas/demo), where an installed
server finds them with importlib.resources (config.py). An editable install
(`make`'s `pip install -e .`) copies nothing: the source tree is used as it is.

Everything else about the package is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Folder in the repository -> folder inside the installed package.
SHIPPED = {"web_client": "web_client", "agendas/demo": "agendas/demo"}
LEFT_OUT = shutil.ignore_patterns("node_modules", "__pycache__", "*.pyc", "package.json")


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for source, target in SHIPPED.items():
            shutil.copytree(
                ROOT / source, Path(self.build_lib) / "meeting_server" / target, dirs_exist_ok=True, ignore=LEFT_OUT
            )


setup(cmdclass={"build_py": BuildPyWithData})
