"""Live chat over WebSockets (docs/chat-protocol.md)."""
