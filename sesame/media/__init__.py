"""Photos: safe decoding of untrusted uploads, and content-addressed storage."""
