"""Where a student opens a section's notebook online: launch links built from the optional
``notebooks_url`` of decks/session.toml (the public folder that holds the share package's
notebooks/).  Only addresses are built here; nothing is fetched.

A GitHub folder, ``https://github.com/OWNER/REPO/tree/REF/PATH`` (or the repository's own
address: its top folder), gives Binder and Colab links; any other
address gives one plain link to the notebook file under it.  A repository address without
/tree/REF means its branch "main" (GitHub's default for a new repository)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

GITHUB = re.compile(r"^https://github\.com/(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/"
                    r"(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?"
                    r"(?:/tree/(?P<ref>[^/?#]+)(?:/(?P<path>[^?#]*?))?)?/?$")
DEFAULT_REF = "main"


@dataclass(frozen=True)
class GitHubFolder:
    owner: str
    repo: str
    ref: str
    path: str   # the folder inside the repository, "" for its top

    @property
    def clone_url(self) -> str:
        return f"https://github.com/{self.owner}/{self.repo}"

    def file(self, name: str) -> str:
        return f"{self.path}/{name}" if self.path else name


def github_folder(url: str) -> GitHubFolder | None:
    """The repository, branch and folder a GitHub folder address names, else None."""
    match = GITHUB.match(url.strip())
    if not match:
        return None
    return GitHubFolder(match["owner"], match["repo"], match["ref"] or DEFAULT_REF,
                        (match["path"] or "").strip("/"))


@dataclass(frozen=True)
class Link:
    label: str   # "Binder", "Colab" or "notebook"
    url: str


def launch_links(notebooks_url: str, notebook: str) -> list[Link]:
    """The ways to open ``notebook`` (a file name such as "C_nn_basics.ipynb") online; [] when
    the session names no notebooks_url."""
    if not notebooks_url:
        return []
    folder = github_folder(notebooks_url)
    if folder is None:
        return [Link("notebook", f"{notebooks_url.rstrip('/')}/{quote(notebook)}")]
    path = quote(folder.file(notebook))
    ref = quote(folder.ref, safe="")
    binder = (f"https://mybinder.org/v2/gh/{folder.owner}/{folder.repo}/{ref}"
              f"?labpath={quote(folder.file(notebook), safe='')}")
    colab = (f"https://colab.research.google.com/github/{folder.owner}/{folder.repo}/blob/"
             f"{ref}/{path}")
    return [Link("Binder", binder), Link("Colab", colab)]


def links_markdown(links: list[Link]) -> str:
    return " · ".join(f"[{link.label}]({link.url})" for link in links)
