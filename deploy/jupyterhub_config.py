# A centre's JupyterHub: `workbench hub` (or `make hub`) starts JupyterHub with this file.
# Everything is set by workbench.hub.config.configure from the environment `workbench hub` sets
# (WB_DB, WB_HUB_DIR, WB_HUB_IP, WB_HUB_PORT) and the workbench configuration's "hub" section;
# see the README's "A centre's server".
from workbench.hub.config import configure

configure(c)  # noqa: F821 - JupyterHub's config object
