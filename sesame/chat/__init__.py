"""Chat: accounts, translated buyer-supplier conversations, and live-delivery events."""
