"""Stand-in for glance.common.crypt: 017 calls it only when an encryption key is set (never
in the replay, whose CONF has no options set)."""


def urlsafe_encrypt(key, plaintext, blocksize=16):
    raise NotImplementedError("no metadata_encryption_key in the replay")


def urlsafe_decrypt(key, ciphertext):
    raise NotImplementedError("no metadata_encryption_key in the replay")
