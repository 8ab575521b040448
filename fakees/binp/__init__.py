"""BINP, fakees' binary call protocol (specification: protocol/BINP.md).

- `events`: the events, argument types and directions, error codes
- `wire`: the frames, declared with construct; encode and decode one frame
- `connection`: the sans-IO state machine both ends drive (bytes <-> events)
- `server`: the Twisted listener (limits, timeouts, fault mode); `dispatch`: its
  dispatcher contract and built-in services (echo, a CBLAPP01 look-alike)
- `client` (blocking, no Twisted) and `twisted_client`
- `cli`: `fakees call`; `continuity`: the loop's continuity summary
- `strategies`: hypothesis strategies for fuzzing BINP code
"""
