"""Codes, passwords and API secrets after their cue words, in kefu's languages."""

from __future__ import annotations

import pytest

from kefu.triage.redaction import find_secrets, redact


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2FA code: 482913", "482913"),
        ("the verification code I got is 482913", "482913"),
        ("482913 is the code", "482913"),
        ("the code is 482913", "482913"),
        ("验证码是482913，登录不了", "482913"),
        ("驗證碼 482913", "482913"),
        ("認証コードは482913です", "482913"),
        ("인증번호는 482913 입니다", "482913"),
        ("el código de verificación es 482913", "482913"),
        ("código de verificação: 4829", "4829"),
        ("le code de vérification est 482 913", "482 913"),
        ("Bestätigungscode: 48291357", "48291357"),
        ("код подтверждения 482913", "482913"),
        ("doğrulama kodu 482913", "482913"),
        ("mã xác minh là 482913", "482913"),
        ("kode verifikasi 482913", "482913"),
        ("รหัสยืนยัน 482913", "482913"),
        ("رمز التحقق 482913", "482913"),
        ("codice di verifica 482913", "482913"),
    ],
)
def test_one_time_codes(text: str, value: str) -> None:
    findings = find_secrets(text)
    assert [(f.kind, text[f.start : f.end]) for f in findings] == [("otp_code", value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("my password is Summer2024!", "Summer2024!"),
        ("password: sunshine", "sunshine"),
        ("pwd=hunter2", "hunter2"),
        ("我的密码是btc4724@，登录不了", "btc4724@"),
        ("密碼：Abc12345", "Abc12345"),
        ("パスワードは Kefu8361! です", "Kefu8361!"),
        ("비밀번호는 abc12345 입니다", "abc12345"),
        ("mi contraseña es Gato2024", "Gato2024"),
        ("minha senha é qwe7424!", "qwe7424!"),
        ("mon mot de passe est Lune#42", "Lune#42"),
        ("mein Passwort ist Tiger77", "Tiger77"),
        ("мой пароль Moon4242", "Moon4242"),
        ("şifrem qwe6685", "qwe6685"),
        ("mật khẩu là Love1234", "Love1234"),
        ("kata sandi saya Kefu2025", "Kefu2025"),
        ("รหัสผ่านคือ btc5684!", "btc5684!"),
        ("كلمة المرور btc5194!", "btc5194!"),
        ("la mia password è Summer6293#", "Summer6293#"),
    ],
)
def test_passwords(text: str, value: str) -> None:
    findings = find_secrets(text)
    assert [(f.kind, text[f.start : f.end]) for f in findings] == [("password", value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("API secret: 9fQk2LxPz83mNaBcR7tY", "9fQk2LxPz83mNaBcR7tY"),
        ('{"secretKey": "aB3dE5fG7hJ9kL1mN3pQ"}', "aB3dE5fG7hJ9kL1mN3pQ"),
        ("API_SECRET=zX81kd92LmQp0sWe", "zX81kd92LmQp0sWe"),
        ("api passphrase is Trade12345", "Trade12345"),
        ("我的API密钥：9fQk2LxPz83mNaBc", "9fQk2LxPz83mNaBc"),
        ("clé secrète : 9fQk2LxPz83mNaBc", "9fQk2LxPz83mNaBc"),
    ],
)
def test_api_secrets(text: str, value: str) -> None:
    findings = find_secrets(text)
    assert [(f.kind, text[f.start : f.end]) for f in findings] == [("api_secret", value)]


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my password",
        "my password is wrong",
        "password reset please",
        "How can I get my PIN unblocked?",
        "I didn't receive the verification code",
        "the verification code expired after 10 minutes",
        "error code 123456 when I log in",
        "promo code 123456 does not work",
        "verification code sent to +86 138 1234 5678",
        "I got the code after withdrawing 5000 USDT",
        "code 2026-11-24",
        "我忘记密码了，收不到验证码怎么办",
        "密码是什么",
        "パスワードを忘れました",
        "비밀번호를 잊어버렸어요",
        "olvidé mi contraseña",
        "my API secret was leaked, how do I rotate it?",
        "password: ********",
    ],
)
def test_talk_about_secrets_is_kept(text: str) -> None:
    assert find_secrets(text) == []


def test_placeholders_are_not_values() -> None:
    once = redact("password: hunter2 and code: 123456")
    assert once.text == "password: [redacted:password] and code: [redacted:otp_code]"
    assert redact(once.text).findings == ()
