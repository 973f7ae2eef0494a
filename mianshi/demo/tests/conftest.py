"""The demo interviews run through the real analysis: the analysis tests' fixtures."""

from mianshi.analysis.tests.conftest import upload_env, whisper_models  # noqa: F401  (fixtures)
from mianshi.common.tests.real_worker import real_workers  # noqa: F401  (a fixture)
