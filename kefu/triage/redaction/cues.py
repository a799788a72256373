"""Cue words, in the languages kefu supports, that announce a secret or vouch for a harmless
value: `password:`, `验证码`, `秘密鍵`, `txid` …

en zh ja ko es pt fr de ru tr vi id th ar it. Latin-script cues match as whole words (no letter
just before or after); the others anywhere. Matching is case-insensitive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final


def trie_pattern(cues: Iterable[str]) -> str:
    """One regex for many cue words, shaped as their trie: it tries each character once instead
    of every cue at every position (the cue detectors run on every message). Longest first, so
    `verification code` wins over `code`; a space in a cue matches any run of spaces, `_` or `-`.
    """
    root: dict[str, Any] = {}
    for cue in cues:
        node = root
        for char in cue.casefold():
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(root)


def _emit(node: dict[str, Any]) -> str:
    branches = [
        (r"[\s_\-]*" if char == " " else re.escape(char)) + _emit(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    body = "|".join(branches)
    if "" in node:
        return f"(?:{body})?"
    return body if len(branches) == 1 else f"(?:{body})"


# Letters of scripts written with spaces between words (Latin, Cyrillic …): a cue must not touch
# them. Chinese, Japanese, Korean particles, Thai and Arabic may run on into a cue.
_WORD_LETTER = r"[^\W\d_\u0e00-\u0e7f\u0600-\u06ff\u3040-\u9fff\uac00-\ud7af]"
_RUN_ON = r"[\u0e00-\u0e7f\u0600-\u06ff\u3040-\u9fff\uac00-\ud7af]"


def first_chars(cues: Iterable[str]) -> str:
    """A lookahead for the characters cues start with: positions where no cue can start are
    passed over at once."""
    first = {c for cue in cues for c in (cue[0].casefold(), cue[0].upper(), cue[0].lower())}
    first.discard(" ")
    return "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])"


def cue_pattern(cues: Iterable[str]) -> str:
    words = list(cues)
    lookahead = first_chars(words)[3:-1]
    # No letter of a spaced script, and no digit, just before or after (`4pwD4` in an address
    # is no cue); anything may follow a CJK, Thai or Arabic cue (`验证码123456`, `密码Moon7`).
    return (
        rf"(?={lookahead})(?<![0-9])(?<!{_WORD_LETTER})(?:{trie_pattern(words)})"
        rf"(?:(?<={_RUN_ON})|(?![0-9])(?!{_WORD_LETTER}))"
    )


def compile_cues(cues: Iterable[str]) -> re.Pattern[str]:
    return re.compile(cue_pattern(cues), re.IGNORECASE)


SEED_CUES: Final = (
    "seed phrase", "seed words", "seed", "mnemonic", "mnemonic phrase", "recovery phrase",
    "secret recovery phrase", "backup phrase", "secret phrase", "recovery words", "12 words",
    "24 words", "wallet words",
    "助记词", "助記詞", "种子短语", "種子短語", "恢复短语", "恢復短語", "种子词", "钱包助记词",
    "ニーモニック", "シードフレーズ", "復元フレーズ", "リカバリーフレーズ",
    "시드 문구", "시드문구", "니모닉", "복구 문구", "복구문구",
    "frase semilla", "frase de recuperación", "frase de recuperacion", "palabras semilla",
    "frase semente", "frase de recuperação", "palavras de recuperação",
    "phrase de récupération", "phrase secrète", "phrase de recuperation", "mots de récupération",
    "wiederherstellungsphrase", "seed-phrase", "wiederherstellungswörter",
    "сид-фраза", "сид фраза", "мнемоническая фраза", "фраза восстановления", "seed-фраза",
    "kurtarma ifadesi", "gizli kelimeler", "kurtarma kelimeleri",
    "cụm từ khôi phục", "cụm từ bí mật", "từ khôi phục",
    "frasa pemulihan", "kata pemulihan", "frasa rahasia",
    "วลีกู้คืน", "วลีลับ", "คำกู้คืน",
    "عبارة الاسترداد", "العبارة السرية", "عبارة الاسترجاع", "كلمات الاسترداد",
    "frase di recupero", "frase segreta",
)  # fmt: skip

KEY_CUES: Final = (
    "private key", "privkey", "priv key", "private_key", "privatekey", "wallet key",
    "私钥", "私鑰", "钱包私钥", "秘密鍵", "秘密キー", "プライベートキー",
    "개인키", "개인 키", "프라이빗 키", "프라이빗키", "비밀키",
    "clave privada", "chave privada", "clé privée", "cle privee", "privater schlüssel",
    "privaten schlüssel", "private schlüssel", "приватный ключ", "закрытый ключ",
    "приватный ключ кошелька", "özel anahtar", "özel anahtarım", "khóa riêng", "khóa cá nhân",
    "kunci pribadi", "kunci privat", "คีย์ส่วนตัว", "กุญแจส่วนตัว", "ไพรเวทคีย์",
    "المفتاح الخاص", "مفتاح خاص", "chiave privata",
)  # fmt: skip

TX_CUES: Final = (
    "txid", "tx id", "tx hash", "txhash", "tx", "hash", "transaction", "transaction id",
    "transaction hash", "block", "blockhash", "address", "contract", "deposit", "withdrawal",
    "交易哈希", "哈希", "交易", "交易id", "区块", "地址", "合约", "充值", "提现", "提幣", "充幣",
    "トランザクション", "ハッシュ", "取引", "アドレス", "入金", "出金",
    "트랜잭션", "해시", "거래", "주소", "입금", "출금",
    "transacción", "transaccion", "transação", "transacao", "dirección", "endereço",
    "transaktion", "adresse", "транзакция", "транзакции", "хэш", "хеш", "адрес",
    "işlem", "adres", "giao dịch", "địa chỉ", "transaksi", "alamat", "ธุรกรรม", "แฮช", "ที่อยู่",
    "المعاملة", "معاملة", "عنوان", "transazione", "indirizzo",
)  # fmt: skip

PASSWORD_CUES: Final = (
    "password", "passwd", "pwd", "passcode", "pass code", "login password", "fund password",
    "funds password", "trading password", "pin code", "pin",
    "密码", "密碼", "登录密码", "资金密码", "交易密码", "資金密碼", "登入密碼",
    "パスワード", "暗証番号", "ログインパスワード",
    "비밀번호", "암호", "패스워드",
    "contraseña", "contrasena", "clave de acceso", "senha", "mot de passe", "mdp", "passwort",
    "kennwort", "пароль", "пароля", "şifre", "şifrem", "parola", "parolam", "mật khẩu",
    "kata sandi", "sandi", "รหัสผ่าน", "كلمة المرور", "كلمة السر", "رمز المرور",
)  # fmt: skip

OTP_CUES: Final = (
    "otp", "otp code", "2fa", "2fa code", "2-fa code", "mfa code", "verification code",
    "verify code", "auth code", "authentication code", "authenticator code",
    "google authenticator code", "google code", "ga code", "sms code", "email code",
    "security code", "one-time code", "one time code", "one-time password", "one time password",
    "confirmation code", "login code",
    "验证码", "驗證碼", "动态码", "動態碼", "谷歌验证码", "短信验证码", "邮箱验证码", "校验码",
    "認証コード", "確認コード", "ワンタイムパスワード", "認証番号",
    "인증번호", "인증 번호", "인증코드", "인증 코드", "otp 코드", "보안 코드",
    "código de verificación", "código de verificacion", "codigo de verificacion",
    "código de verificação", "codigo de verificacao", "código de segurança",
    "code de vérification", "code de verification", "code de confirmation",
    "bestätigungscode", "verifizierungscode", "sicherheitscode", "einmalcode",
    "код подтверждения", "проверочный код", "код из смс", "смс-код", "смс код",
    "doğrulama kodu", "onay kodu", "güvenlik kodu", "mã xác minh", "mã xác thực", "mã otp",
    "kode verifikasi", "kode otp", "kode keamanan", "รหัสยืนยัน", "รหัส otp",
    "رمز التحقق", "كود التحقق", "رمز التأكيد", "codice di verifica",
)  # fmt: skip

# A bare "code" announces a one-time code only when exactly six digits follow.
WEAK_OTP_CUES: Final = (
    "code", "código", "codigo", "код", "kodu", "kode", "mã", "รหัส", "رمز", "codice", "コード",
    "코드",
)  # fmt: skip

SECRET_CUES: Final = (
    "api secret", "api secret key", "secret key", "secretkey", "apisecret", "api_secret",
    "secret_key", "client secret", "api passphrase", "passphrase", "pass phrase",
    "api key secret", "secret",
    "api密钥", "api 密钥", "密钥", "金鑰", "api金鑰", "シークレットキー", "apiシークレット",
    "シークレット", "시크릿 키", "시크릿키", "api 시크릿",
    "clave secreta", "chave secreta", "clé secrète", "cle secrete", "geheimer schlüssel",
    "secret-schlüssel", "секретный ключ", "gizli anahtar", "khóa bí mật", "kunci rahasia",
    "คีย์ลับ", "المفتاح السري", "chiave segreta",
)  # fmt: skip

CARD_CUES: Final = (
    "card", "card number", "credit card", "debit card", "visa", "mastercard", "amex",
    "卡号", "卡號", "银行卡", "信用卡", "カード", "카드", "tarjeta", "cartão", "cartao", "carte",
    "karte", "kreditkarte", "карта", "карты", "kart", "kartı", "thẻ", "kartu", "บัตร", "بطاقة",
    "بطاقتي",
    "carta",
)  # fmt: skip

# Numbers that are not cards although they pass Luhn: what the customer calls them.
NOT_CARD_CUES: Final = (
    "order", "order id", "order no", "order number", "uid", "user id", "id", "ref", "reference",
    "txid", "tx", "phone", "tel", "mobile", "account id", "ticket",
    "订单", "订单号", "訂單", "用户id", "注文", "주문", "pedido", "commande", "bestellung",
    "заказ", "sipariş", "đơn hàng", "pesanan", "คำสั่งซื้อ", "طلب", "ordine",
)  # fmt: skip

# Between a cue and its value: `:`, `=`, `is`, `是`, `は`, `는` … and a few words of filler.
_CONNECTOR_WORDS: Final = (
    "is", "was", "are", "i got", "i received", "i get", "got", "received", "just", "es", "era",
    "é", "è", "est", "ist", "lautet", "это", "là", "adalah", "ialah",
    "yaitu", "saya", "của tôi", "my", "mine", "me", "now", "here", "ahora", "agora", "maintenant",
    "jetzt", "сейчас", "şu", "sekarang", "هي", "هو",
)  # fmt: skip
_CONNECTOR_MARKS: Final = ("是", "为", "為", "は", "が", "는", "은", "이", "가", "คือ", "ตอนนี้")
CONNECTOR: Final = (
    r"(?:[\s\"'`]*(?:[:：=]|->|=>|[-—–]|"
    rf"(?:{'|'.join(_CONNECTOR_WORDS)})(?!{_WORD_LETTER})|{'|'.join(_CONNECTOR_MARKS)}))*"
    r"[\s\"'`「『]*"
)
# A connector that makes what follows a value, even a plain word: `password: sunshine`.
STRONG_CONNECTOR: Final = re.compile(r"[:：=「『\"'`]")

SEED_CUE: Final = compile_cues(SEED_CUES)
KEY_CUE: Final = compile_cues(KEY_CUES)
TX_CUE: Final = compile_cues(TX_CUES)
CARD_CUE: Final = compile_cues(CARD_CUES)
NOT_CARD_CUE: Final = compile_cues(NOT_CARD_CUES)
