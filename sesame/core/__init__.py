"""The ground layer: errors, the filter contract and small helpers.

Every other package may import it; it imports nothing of Sesame's.
"""
