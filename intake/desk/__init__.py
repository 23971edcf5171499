"""The staff desk: the offline side, where submissions are decrypted, triaged and exported.

It runs on an air-gapped machine and never imports Flask. Plaintext stays in memory: the case
vault holds ciphertext and encrypted state only, and nothing decrypted reaches disk except by an
explicit export or attachment extraction.
"""
