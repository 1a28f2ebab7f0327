"""The supplier's shop: self-service catalog, photos, catalog uploads, verification."""
