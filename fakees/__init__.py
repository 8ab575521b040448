"""fakees: an emulator of Micro Focus Enterprise Server for HA tests, BINP clients and COBOL."""

__version__ = "0.1.0"
