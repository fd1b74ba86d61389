"""Real OpenPGP keys for tests, made by the gpg binary in short-lived homes under /tmp (socket paths stay short).

Each key has a signing primary key and one encryption subkey, as GnuPG makes them by default (``encryption=False``:
none, a key that can only sign); its home keeps the secret key, so a test can decrypt as the authority would:
``gpg --homedir HOME --decrypt``.
"""
from __future__ import annotations

import glob
import subprocess
import tempfile
from dataclasses import dataclass

# kind -> (primary algorithm, encryption subkey algorithm)
KINDS = {
    "rsa3072": ("rsa3072", "rsa3072"),
    "rsa2048": ("rsa2048", "rsa2048"),
    "brainpoolP256r1": ("brainpoolP256r1", "brainpoolP256r1"),
    "brainpoolP384r1": ("brainpoolP384r1", "brainpoolP384r1"),
    "cv25519": ("ed25519", "cv25519"),
    "nistp256": ("nistp256", "nistp256"),
    "dsa": ("dsa2048", "elg2048"),
}


@dataclass(frozen=True)
class TestKey:
    home: str
    fingerprint: str
    public: str  # ASCII armour

    def gpg(self, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(["gpg", "--homedir", self.home, "--batch", *args], input=data, capture_output=True)

    def decrypt(self, ciphertext: bytes | str) -> bytes:
        """Decrypt as the authority would; fails the test if gpg refuses."""
        data = ciphertext.encode() if isinstance(ciphertext, str) else ciphertext
        result = self.gpg("--decrypt", data=data)
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        return result.stdout

    def revoked(self) -> str:
        """The public key after importing the revocation certificate GnuPG wrote at creation."""
        [path] = glob.glob(f"{self.home}/openpgp-revocs.d/{self.fingerprint}.rev")
        certificate = open(path, encoding="ascii").read().replace(":-----BEGIN", "-----BEGIN")
        self.gpg("--import", data=certificate.encode())
        return self.gpg("--armor", "--export", self.fingerprint).stdout.decode()


def make_key(kind: str = "brainpoolP256r1", email: str = "sachbearbeitung@abh.example", *,
             expire: str = "2y", faked_time: str | None = None, encryption: bool = True) -> TestKey:
    primary, sub = KINDS[kind]
    home = tempfile.mkdtemp(prefix="k", dir="/tmp")
    base = ["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
    if faked_time:
        base += ["--faked-system-time", faked_time]
    uid = f"Test {kind} <{email}>"
    subprocess.run(base + ["--quick-gen-key", uid, primary, "sign,cert", expire], check=True, capture_output=True)
    listing = subprocess.run(["gpg", "--homedir", home, "--with-colons", "--list-keys"], check=True,
                             capture_output=True, text=True).stdout
    fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    if encryption:
        subprocess.run(base + ["--quick-add-key", fingerprint, sub, "encr", expire], check=True, capture_output=True)
    public = subprocess.run(["gpg", "--homedir", home, "--armor", "--export", fingerprint], check=True,
                            capture_output=True, text=True).stdout
    return TestKey(home, fingerprint, public)
