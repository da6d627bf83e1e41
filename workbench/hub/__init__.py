"""A centre's server: JupyterHub in front of the workbench (``deploy/jupyterhub_config.py``, ``workbench hub``).

- :mod:`.authenticator`: signing in against the workbench's own ``users`` (passwords, the lock);
- :mod:`.doors`: which server each role gets (the workspace, JupyterLab, or none);
- :mod:`.spawner`: starts that server for a signed-in user, with ``JUPYTERHUB_USER`` set by the hub;
- :mod:`.config`: the hub's configuration from the workbench's (``hub`` section).
"""
