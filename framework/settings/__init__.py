"""A pipeline.yml target resolved for this machine: typed settings and every derived location.

    resolve_target(pipeline_root, target_name) -> LocalSettings | PostgresSettings | RedshiftSettings

Relative paths in pipeline.yml (database, lake, landing) resolve against the pipeline's
*project folder*, never the working directory: the folder holding the `pipelines/` folder the
pipeline lives in (`<project>/pipelines/<name>/pipeline.yml` → `<project>`), or the pipeline's
own folder when it is not under a `pipelines/` folder. Paths given on the command line
(`--warehouse`, `--lake`, `--from`) are the user's own and resolve against the working directory.
"""

from framework.settings.resolve import SettingsError, project_dir_of, resolve_target, settings_for
from framework.settings.targets import LocalSettings, PostgresSettings, RedshiftSettings, TargetSettings

__all__ = [
    "LocalSettings",
    "PostgresSettings",
    "RedshiftSettings",
    "SettingsError",
    "TargetSettings",
    "project_dir_of",
    "resolve_target",
    "settings_for",
]
