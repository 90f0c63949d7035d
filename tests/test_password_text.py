"""How a password (or a second-factor code, or a backup's password) becomes the bytes the
key derivation gets.

1. Bytes that are not UTF-8 text, from $CIMS_PASSWORD, --password-stdin, a hidden prompt
   or $CIMS_NEW_PASSWORD, are a typing problem: the same clear message a non-UTF-8 --name
   gets, exit 4, no sign-in attempt counted, the bytes nowhere in the log. Before, the
   key file was called damaged ("restore it from a backup") or the prompt ended in "an
   unexpected problem occurred".
2. Passwords are NFKC-normalised when set and when typed (NIST SP 800-63B §5.1.1.2): a
   password set precomposed opens when typed decomposed, and the other way round. A slot
   made before that (the text as typed, unmarked) still opens, counts one attempt when
   wrong, and is rewrapped normalised on the first right sign-in.
"""

from __future__ import annotations

import io
import os
import sys
import unicodedata

import pytest

from cims_xl import cli
from cims_xl.errors import ValidationFailed, WrongPassword
from cims_xl.security import keys
from cims_xl.security.keys import KeyFile, derive_kek
from cims_xl.services import auth

from conftest import ADMIN_PASSWORD, FAST_KDF

pexpect = pytest.importorskip("pexpect")

NOT_TEXT = "set the terminal to UTF-8 and type it again"
# Not UTF-8: Latin-1 £, a lone 0xff, GBK of 你好密码 (bytes as a terminal in another encoding sends them)
BAD_BYTES = [b"Wrong\xa3Password-2026", b"Secret\xffPass99-xyz", "你好密码-Lantern-2026".encode("gbk")]


def _as_env(raw: bytes) -> str:
    """What Python makes of these bytes in an environment variable or argv (PEP 383)."""
    return raw.decode("utf-8", "surrogateescape")


def _failed(store_path, user="admin") -> int:
    return KeyFile.load(store_path).lockout(user)["failed"]


@pytest.fixture
def cli_run(store_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.delenv("CIMS_PASSWORD", raising=False)

    def invoke(*args, stdin: bytes | None = None, errors: str = "strict"):
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors=errors))
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return invoke


def _log_text(tmp_path) -> bytes:
    folder = tmp_path / "log"
    return b"".join(p.read_bytes() for p in folder.glob("*")) if folder.exists() else b""


@pytest.mark.parametrize("raw", BAD_BYTES)
def test_a_password_in_the_environment_that_is_not_utf8_is_said_so_and_is_no_attempt(raw, cli_run, store_path,
                                                                                     tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_PASSWORD", _as_env(raw))
    code, out, err = cli_run("customer", "search", "x")
    assert code == 4, err
    assert "$CIMS_PASSWORD" in err and NOT_TEXT in err
    assert "damaged" not in err and "restore" not in err and "unexpected" not in err
    assert _failed(store_path) == 0
    assert raw not in _log_text(tmp_path) and b"Password-2026" not in _log_text(tmp_path)
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)      # the key file is fine
    assert cli_run("customer", "search", "x")[0] == 0


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
@pytest.mark.parametrize("raw", BAD_BYTES[1:])
def test_a_password_on_stdin_that_is_not_utf8_is_said_so_however_stdin_decodes(raw, errors, cli_run, store_path):
    code, out, err = cli_run("--password-stdin", "customer", "search", "x", stdin=raw + b"\n", errors=errors)
    assert code == 4, err
    assert "--password-stdin" in err and NOT_TEXT in err and "damaged" not in err
    assert _failed(store_path) == 0


@pytest.mark.parametrize("command", [["user", "add", "zed", "--role", "sales"], ["user", "passwd", "admin"]])
def test_a_new_password_that_is_not_utf8_is_said_so_and_nothing_changes(command, cli_run, store_path, monkeypatch):
    before = KeyFile.load(store_path).doc["slots"]
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("CIMS_NEW_PASSWORD", _as_env("Café-Lantern-2026".encode("latin-1")))
    code, out, err = cli_run(*command)
    assert code == 4, err
    assert "$CIMS_NEW_PASSWORD" in err and NOT_TEXT in err
    assert KeyFile.load(store_path).doc["slots"] == before


@pytest.mark.parametrize("how", ["--otp", "CIMS_OTP"])
def test_a_one_time_code_that_is_not_text_is_said_so_without_repeating_it(how, cli_run, monkeypatch):
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    code_text = _as_env(b"12\xff456")
    if how == "CIMS_OTP":
        monkeypatch.setenv("CIMS_OTP", code_text)
        code, out, err = cli_run("customer", "search", "x")
    else:
        code, out, err = cli_run("--otp", code_text, "customer", "search", "x")
    assert code == 4, err
    assert NOT_TEXT in err and "\\xff" not in err and "456" not in err


def test_the_services_refuse_a_password_that_is_not_text_before_any_attempt(store_path):
    with pytest.raises(ValidationFailed, match="not UTF-8 text") as refused:
        auth.sign_in(store_path, "admin", _as_env(b"Wrong\xa3Password"))
    assert "damaged" not in refused.value.message
    assert _failed(store_path) == 0
    with pytest.raises(ValidationFailed, match="not UTF-8 text"):
        auth.sign_in(store_path, "nobody", _as_env(b"Wrong\xa3Password"))   # the same for an unknown user


def _spawn(args, cwd, store_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CIMS_PASSWORD", "CIMS_NEW_PASSWORD", "CIMS_OTP")}
    env.update(LANG="C", LC_ALL="C", CIMS_LOG_DIR=str(cwd / "log"), HOME=str(cwd))
    return pexpect.spawn(sys.executable, ["-m", "cims_xl.cli", "--store", str(store_path), "--user", "admin", *args],
                         cwd=str(cwd), env=env, timeout=60, dimensions=(40, 120))


def test_bytes_typed_at_the_password_prompt_in_another_encoding_are_said_and_asked_again(tmp_path, store_path):
    child = _spawn(["customer", "search", "x"], tmp_path, store_path)
    child.expect("Password: ")
    child.send("你好密码123".encode("gbk") + b"\r")
    child.expect(r"\s+".join(NOT_TEXT.split()))     # broken between words to fit the terminal
    child.expect("Password: ")
    child.send(ADMIN_PASSWORD.encode() + b"\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert b"unexpected" not in child.before
    assert "你好".encode("gbk") not in _log_text(tmp_path)


def test_three_prompts_of_bytes_that_are_not_text_end_without_counting_an_attempt(tmp_path, store_path):
    child = _spawn(["customer", "search", "x"], tmp_path, store_path)
    for _ in range(3):
        child.expect("Password: ")
        child.send(b"Secret\xa3\xa4Pass\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 4, child.before
    assert b"damaged" not in child.before and b"unexpected" not in child.before
    assert _failed(store_path) == 0


# -- normalisation --

# (as set, as typed): NFC/NFD of Latin, Vietnamese and Hangul (NFD splits a syllable into
# jamo), and the full-width letters and digits of an East Asian input method (NFKC).
FORMS = [
    (unicodedata.normalize("NFC", "Café-Lantern-2026"), unicodedata.normalize("NFD", "Café-Lantern-2026")),
    (unicodedata.normalize("NFD", "Mật-khẩu-Hà-Nội-2026"), unicodedata.normalize("NFC", "Mật-khẩu-Hà-Nội-2026")),
    (unicodedata.normalize("NFC", "비밀번호-서울-2026"), unicodedata.normalize("NFD", "비밀번호-서울-2026")),
    ("Kaffee-Late-2026", "Ｋａｆｆｅｅ－Ｌａｔｅ－２０２６"),
]


@pytest.mark.parametrize("set_as,typed", FORMS)
def test_a_password_opens_when_typed_in_another_unicode_normalisation_form(set_as, typed, cli_run, store_path,
                                                                          monkeypatch):
    assert set_as != typed
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("CIMS_NEW_PASSWORD", set_as)
    code, out, err = cli_run("user", "add", "lina", "--role", "sales")
    assert code == 0, err
    monkeypatch.setenv("CIMS_USER", "lina")
    monkeypatch.setenv("CIMS_PASSWORD", typed)
    code, out, err = cli_run("customer", "search", "x")
    assert code == 0, err
    monkeypatch.setenv("CIMS_PASSWORD", set_as)
    assert cli_run("customer", "search", "x")[0] == 0
    assert KeyFile.load(store_path).doc["slots"]["lina"]["text"] == "NFKC"


def _made_before_normalising(store_path, user: str, password: str, old_password: str) -> None:
    """Wrap `user`'s slot as cims did before passwords were normalised: scrypt of the UTF-8
    of the text exactly as typed, and no "text" mark."""
    with KeyFile.locked(store_path) as kf:
        unlocked = kf.unlock_keys(user, old_password)
        slot = kf.doc["slots"][user]
        salt, nonce = os.urandom(16), os.urandom(12)
        kek = derive_kek(password, salt, slot["kdf"], form=None)
        raw = unlocked.private.private_bytes_raw()
        slot.update(salt=keys.b64(salt), nonce=keys.b64(nonce),
                    wrapped=keys.b64(keys.AESGCM(kek).encrypt(nonce, raw, kf._aad(user, "private"))))
        slot.pop("text", None)
        kf._wrap_signing_key(user, kek, unlocked.signing_key)
        kf.seal_mac(unlocked.data_key)
        kf.save()


@pytest.mark.parametrize("set_as,typed", FORMS[:3])
def test_a_slot_made_before_normalising_opens_with_the_text_as_set_and_in_other_forms(set_as, typed, store_path):
    _made_before_normalising(store_path, "admin", set_as, ADMIN_PASSWORD)
    assert "text" not in KeyFile.load(store_path).doc["slots"]["admin"]
    public = KeyFile.load(store_path).slot_public("admin")
    auth.sign_in(store_path, "admin", set_as).close()       # the text as it was set
    slot = KeyFile.load(store_path).doc["slots"]["admin"]
    assert slot["text"] == "NFKC"                          # rewrapped normalised, the same keys
    assert KeyFile.load(store_path).slot_public("admin") == public
    auth.sign_in(store_path, "admin", typed).close()       # now any form opens it
    auth.sign_in(store_path, "admin", set_as).close()
    session = auth.sign_in(store_path, "admin", typed)
    try:
        from cims_xl.services import audit_log
        result = audit_log.verify(session)
        assert result.ok, result.problems
    finally:
        session.close()


def test_a_slot_made_with_a_decomposed_password_opens_when_typed_precomposed(store_path):
    nfd = unicodedata.normalize("NFD", "Café-Lantern-2026")
    _made_before_normalising(store_path, "admin", nfd, ADMIN_PASSWORD)
    auth.sign_in(store_path, "admin", unicodedata.normalize("NFC", nfd)).close()
    assert KeyFile.load(store_path).doc["slots"]["admin"]["text"] == "NFKC"


def test_a_wrong_password_on_a_slot_made_before_normalising_counts_once(store_path):
    _made_before_normalising(store_path, "admin", "Café-Lantern-2026", ADMIN_PASSWORD)
    with pytest.raises(WrongPassword):
        auth.sign_in(store_path, "admin", unicodedata.normalize("NFD", "Cafe\u0301-Lantern-2027"))
    assert _failed(store_path) == 1
    assert "text" not in KeyFile.load(store_path).doc["slots"]["admin"]


def test_the_password_policy_judges_the_normalised_password(store_path, admin):
    # 12 full-width characters are 12 characters; "ＰＡＳＳＷＯＲＤ" is NFKC "PASSWORD"
    with pytest.raises(ValidationFailed, match="common"):
        auth.add_user(admin, "zed", "sales", "ｐａｓｓｗｏｒｄ１２３４", kdf=FAST_KDF)


def test_a_one_time_code_typed_in_full_width_digits_is_the_same_code_and_other_text_is_wrong(admin):
    import base64
    import time
    from urllib.parse import parse_qs, urlparse

    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    uri = auth.totp_enrol(admin, "admin")
    totp = TOTP(base64.b32decode(parse_qs(urlparse(uri).query)["secret"][0]), 6, SHA1(), 30,
                enforce_key_length=False)
    now = time.time()
    with pytest.raises(ValidationFailed):      # neither a lone surrogate nor Arabic-Indic digits is a crash
        auth.totp_confirm(admin, "admin", _as_env(b"12\xff456"), now=now)
    with pytest.raises(ValidationFailed):
        auth.totp_confirm(admin, "admin", "١٢٣٤٥٦", now=now)
    wide = totp.generate(now).decode().translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    auth.totp_confirm(admin, "admin", wide, now=now)      # ０１２… from an input method
    assert admin.store.fetch_user("admin")["totp_secret"]
