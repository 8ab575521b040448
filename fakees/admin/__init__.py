"""Administration tools for the sandbox (`fakees shell`)."""
