# naclcalls.py: deterministic libsodium calls through PyNaCl (python3-nacl),
# for tests/args/sodium.sh; prints hex digests of the results.
import nacl.bindings as b, nacl.hash, nacl.pwhash, nacl.secret, nacl.public, nacl.signing, nacl.utils
from nacl.encoding import HexEncoder
seed = bytes(range(32)); nonce24 = bytes(range(24)); msg = b"the quick brown fox " * 5000
sk = nacl.signing.SigningKey(seed)
print("sign", sk.sign(msg).signature.hex())
print("verify", sk.verify_key.verify(sk.sign(msg)) == msg)
box = nacl.secret.SecretBox(seed)
c = box.encrypt(msg, nonce24)
print("secretbox", nacl.hash.sha256(bytes(c)).decode(), box.decrypt(c) == msg)
a = nacl.public.PrivateKey(seed); z = nacl.public.PrivateKey(bytes(reversed(seed)))
pb = nacl.public.Box(a, z.public_key)
c = pb.encrypt(msg[:1000], nonce24)
print("box", bytes(c).hex()[:96], nacl.public.Box(z, a.public_key).decrypt(c) == msg[:1000])
sealed = nacl.public.SealedBox(a.public_key).encrypt(b"sealed message")
print("sealbox", nacl.public.SealedBox(a).decrypt(sealed))
print("blake2b", nacl.hash.blake2b(msg, digest_size=32).decode())
print("sha512", nacl.hash.sha512(msg).decode()[:64])
print("argon2id", nacl.pwhash.argon2id.kdf(32, b"password", b"0123456789abcdef",
      opslimit=nacl.pwhash.argon2id.OPSLIMIT_MIN, memlimit=nacl.pwhash.argon2id.MEMLIMIT_MIN).hex())
h = nacl.pwhash.argon2id.str(b"pw", opslimit=nacl.pwhash.argon2id.OPSLIMIT_MIN, memlimit=nacl.pwhash.argon2id.MEMLIMIT_MIN)
print("argon2id str", nacl.pwhash.verify(h, b"pw"))
ad = b"header"
ct = b.crypto_aead_xchacha20poly1305_ietf_encrypt(msg, ad, nonce24, seed)
print("aead", nacl.hash.sha256(ct).decode(), b.crypto_aead_xchacha20poly1305_ietf_decrypt(ct, ad, nonce24, seed) == msg)
st = b.crypto_generichash_blake2b_init(digest_size=32)
b.crypto_generichash_blake2b_update(st, msg); print("blake2b stream", b.crypto_generichash_blake2b_final(st).hex())
print("kx", [k.hex()[:16] for k in b.crypto_kx_client_session_keys(b.crypto_kx_seed_keypair(seed)[0], b.crypto_kx_seed_keypair(seed)[1], b.crypto_kx_seed_keypair(bytes(32))[0])])
print("scalarmult", b.crypto_scalarmult_base(seed).hex())
print("random", len(nacl.utils.random(64)))
