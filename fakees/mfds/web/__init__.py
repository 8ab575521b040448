"""Enterprise Server Administration served by mfds32: pages, extra API routes, security, metrics.

`AdminSite` (in `site`) is the root resource of mfds32's web server; it wraps
the daemon's JSON resource. The other modules do no I/O: `pages` renders HTML,
`security` decides access and CSRF, `metrics` keeps Prometheus counters,
`openapi` describes every route and `monitor` finds region logs and processes.
"""
