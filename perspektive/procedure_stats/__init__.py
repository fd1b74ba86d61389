"""The authority's procedure statistics."""
