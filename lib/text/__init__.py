"""Text in: bytes of any supported format → decoded, cleaned text, its language and sentences.

Imports only lib.errors and lib.schema.
"""
