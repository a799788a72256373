"""What the customer and the agent are told when a message carried a secret.

The screening step (kefu/triage/redaction) flags a message `secret:<kind>` and asks for the
notice `secret:<kind>`; the action that stores the message turns those into an immediate
warning to the customer, in their language, and an account-protection suggestion for the agent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

SECRET_PREFIX: Final = "secret:"
SECURITY_FLAG: Final = "security"
WALLET_KINDS: Final = frozenset({"seed_phrase", "private_key"})

# For a seed phrase or private key: the wallet is exposed, move the funds now.
_WALLET: Final[dict[str, str]] = {
    "en": "Security warning: your message contained a wallet recovery phrase or private key. "
    "We removed it from this conversation. Our staff will never ask for it. Anyone who has "
    "seen it can take your funds: move them to a new wallet now.",
    "zh": "安全警告：您的消息中包含钱包助记词或私钥，我们已将其从对话中删除。我们的工作人员"
    "绝不会向您索取这些信息。任何看到它的人都可以转走您的资产：请立即将资产转移到新钱包。",
    "ja": "セキュリティ警告：メッセージにウォレットの復元フレーズまたは秘密鍵が含まれていたため、"
    "この会話から削除しました。スタッフがこれを尋ねることは決してありません。これを見た人は誰でも"
    "資産を持ち出せます。今すぐ資産を新しいウォレットに移してください。",
    "ko": "보안 경고: 메시지에 지갑 복구 문구 또는 개인 키가 포함되어 있어 대화에서 삭제했습니다. "
    "직원은 절대 이를 요구하지 않습니다. 이를 본 사람은 누구나 자산을 가져갈 수 있으니 지금 바로 "
    "새 지갑으로 자산을 옮기세요.",
    "es": "Aviso de seguridad: tu mensaje contenía una frase de recuperación o una clave privada "
    "de tu monedero. La hemos eliminado de esta conversación. Nuestro personal nunca te la "
    "pedirá. Cualquiera que la haya visto puede llevarse tus fondos: muévelos ahora a un "
    "monedero nuevo.",
    "pt": "Alerta de segurança: sua mensagem continha uma frase de recuperação ou chave privada "
    "de carteira. Nós a removemos desta conversa. Nossa equipe nunca vai pedi-la. Qualquer "
    "pessoa que a tenha visto pode levar seus fundos: transfira-os agora para uma carteira nova.",
    "fr": "Alerte de sécurité : votre message contenait une phrase de récupération ou une clé "
    "privée de portefeuille. Nous l'avons retirée de cette conversation. Notre équipe ne vous "
    "la demandera jamais. Toute personne qui l'a vue peut prendre vos fonds : transférez-les "
    "dès maintenant vers un nouveau portefeuille.",
    "de": "Sicherheitswarnung: Ihre Nachricht enthielt eine Wiederherstellungsphrase oder einen "
    "privaten Schlüssel einer Wallet. Wir haben sie aus diesem Gespräch entfernt. Unser Team "
    "wird Sie nie danach fragen. Wer sie gesehen hat, kann Ihr Guthaben abziehen: Übertragen "
    "Sie es jetzt auf eine neue Wallet.",
    "ru": "Предупреждение безопасности: ваше сообщение содержало сид-фразу или приватный ключ "
    "кошелька. Мы удалили их из переписки. Наши сотрудники никогда не попросят их. Любой, кто "
    "их видел, может забрать ваши средства: немедленно переведите их на новый кошелёк.",
    "tr": "Güvenlik uyarısı: mesajınız bir cüzdan kurtarma ifadesi veya özel anahtar içeriyordu. "
    "Bunu bu konuşmadan kaldırdık. Ekibimiz bunu asla istemez. Onu gören herkes varlıklarınızı "
    "alabilir: varlıklarınızı hemen yeni bir cüzdana taşıyın.",
    "vi": "Cảnh báo bảo mật: tin nhắn của bạn chứa cụm từ khôi phục hoặc khóa riêng của ví. "
    "Chúng tôi đã xóa nó khỏi cuộc trò chuyện. Nhân viên của chúng tôi không bao giờ yêu cầu "
    "thông tin này. Bất kỳ ai đã thấy nó đều có thể lấy tài sản của bạn: hãy chuyển tài sản "
    "sang ví mới ngay bây giờ.",
    "id": "Peringatan keamanan: pesan Anda berisi frasa pemulihan atau kunci pribadi dompet. "
    "Kami telah menghapusnya dari percakapan ini. Staf kami tidak akan pernah memintanya. "
    "Siapa pun yang telah melihatnya dapat mengambil dana Anda: pindahkan dana Anda ke dompet "
    "baru sekarang.",
    "th": "คำเตือนด้านความปลอดภัย: ข้อความของคุณมีวลีกู้คืนหรือคีย์ส่วนตัวของกระเป๋าเงิน "
    "เราได้ลบออกจากการสนทนานี้แล้ว เจ้าหน้าที่ของเราจะไม่ขอข้อมูลนี้เด็ดขาด "
    "ใครก็ตามที่เห็นข้อมูลนี้สามารถนำเงินของคุณไปได้ โปรดย้ายเงินไปยังกระเป๋าใหม่ทันที",
    "ar": "تحذير أمني: احتوت رسالتك على عبارة استرداد أو مفتاح خاص لمحفظتك. لقد حذفناها من "
    "هذه المحادثة. لن يطلبها موظفونا أبدًا. يمكن لأي شخص رآها أن يأخذ أموالك: انقل أموالك "
    "إلى محفظة جديدة الآن.",
    "it": "Avviso di sicurezza: il tuo messaggio conteneva una frase di recupero o una chiave "
    "privata del wallet. L'abbiamo rimossa da questa conversazione. Il nostro staff non te la "
    "chiederà mai. Chiunque l'abbia vista può prendere i tuoi fondi: spostali subito su un "
    "nuovo wallet.",
}

# For a password, one-time code, card number or API secret.
_CREDENTIAL: Final[dict[str, str]] = {
    "en": "Security notice: your message contained a password, one-time code, card number or "
    "API secret. We removed it from this conversation. Our staff will never ask for these. "
    "If you shared a password or API secret, change it now.",
    "zh": "安全提示：您的消息中包含密码、验证码、银行卡号或 API 密钥，我们已将其从对话中删除。"
    "我们的工作人员绝不会向您索取这些信息。如果您发送了密码或 API 密钥，请立即更改。",
    "ja": "セキュリティのお知らせ：メッセージにパスワード、認証コード、カード番号または API "
    "シークレットが含まれていたため、この会話から削除しました。スタッフがこれらを尋ねることは"
    "決してありません。パスワードや API シークレットを送った場合は、今すぐ変更してください。",
    "ko": "보안 안내: 메시지에 비밀번호, 인증번호, 카드 번호 또는 API 시크릿이 포함되어 있어 "
    "대화에서 삭제했습니다. 직원은 절대 이를 요구하지 않습니다. 비밀번호나 API 시크릿을 "
    "보냈다면 지금 바로 변경하세요.",
    "es": "Aviso de seguridad: tu mensaje contenía una contraseña, un código de un solo uso, un "
    "número de tarjeta o un secreto de API. Lo hemos eliminado de esta conversación. Nuestro "
    "personal nunca te los pedirá. Si compartiste una contraseña o un secreto de API, cámbialo "
    "ahora.",
    "pt": "Aviso de segurança: sua mensagem continha uma senha, código de uso único, número de "
    "cartão ou segredo de API. Nós o removemos desta conversa. Nossa equipe nunca vai pedir "
    "isso. Se você compartilhou uma senha ou segredo de API, troque-o agora.",
    "fr": "Avis de sécurité : votre message contenait un mot de passe, un code à usage unique, "
    "un numéro de carte ou un secret d'API. Nous l'avons retiré de cette conversation. Notre "
    "équipe ne vous les demandera jamais. Si vous avez partagé un mot de passe ou un secret "
    "d'API, changez-le maintenant.",
    "de": "Sicherheitshinweis: Ihre Nachricht enthielt ein Passwort, einen Einmalcode, eine "
    "Kartennummer oder ein API-Secret. Wir haben es aus diesem Gespräch entfernt. Unser Team "
    "wird Sie nie danach fragen. Wenn Sie ein Passwort oder API-Secret geteilt haben, ändern "
    "Sie es jetzt.",
    "ru": "Уведомление безопасности: ваше сообщение содержало пароль, одноразовый код, номер "
    "карты или API-секрет. Мы удалили его из переписки. Наши сотрудники никогда не попросят "
    "эти данные. Если вы отправили пароль или API-секрет, смените его сейчас.",
    "tr": "Güvenlik bildirimi: mesajınız bir şifre, tek kullanımlık kod, kart numarası veya API "
    "gizli anahtarı içeriyordu. Bunu bu konuşmadan kaldırdık. Ekibimiz bunları asla istemez. "
    "Bir şifre veya API gizli anahtarı paylaştıysanız hemen değiştirin.",
    "vi": "Thông báo bảo mật: tin nhắn của bạn chứa mật khẩu, mã xác minh, số thẻ hoặc khóa bí "
    "mật API. Chúng tôi đã xóa nó khỏi cuộc trò chuyện. Nhân viên của chúng tôi không bao giờ "
    "yêu cầu những thông tin này. Nếu bạn đã gửi mật khẩu hoặc khóa bí mật API, hãy đổi ngay.",
    "id": "Pemberitahuan keamanan: pesan Anda berisi kata sandi, kode sekali pakai, nomor kartu "
    "atau rahasia API. Kami telah menghapusnya dari percakapan ini. Staf kami tidak akan pernah "
    "memintanya. Jika Anda membagikan kata sandi atau rahasia API, segera ganti.",
    "th": "ประกาศด้านความปลอดภัย: ข้อความของคุณมีรหัสผ่าน รหัสยืนยัน หมายเลขบัตร หรือคีย์ลับ API "
    "เราได้ลบออกจากการสนทนานี้แล้ว เจ้าหน้าที่ของเราจะไม่ขอข้อมูลเหล่านี้เด็ดขาด "
    "หากคุณส่งรหัสผ่านหรือคีย์ลับ API โปรดเปลี่ยนทันที",
    "ar": "تنبيه أمني: احتوت رسالتك على كلمة مرور أو رمز لمرة واحدة أو رقم بطاقة أو مفتاح API "
    "سري. لقد حذفناه من هذه المحادثة. لن يطلب موظفونا هذه البيانات أبدًا. إذا شاركت كلمة "
    "مرور أو مفتاح API سريًا، فغيّره الآن.",
    "it": "Avviso di sicurezza: il tuo messaggio conteneva una password, un codice monouso, un "
    "numero di carta o un secret API. L'abbiamo rimosso da questa conversazione. Il nostro "
    "staff non te li chiederà mai. Se hai condiviso una password o un secret API, cambialo "
    "subito.",
}

LANGUAGES: Final = tuple(sorted(_WALLET))

_KIND_NAMES: Final = {
    "seed_phrase": "a wallet seed phrase",
    "private_key": "a private key",
    "card_number": "a card number",
    "otp_code": "a one-time code",
    "password": "a password",
    "api_secret": "an API secret or passphrase",
}

# The script of a text tells its language well enough when nothing else does.
_SCRIPTS: Final = (
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[\u0400-\u04ff]"), "ru"),
)


def secret_kinds(codes: Iterable[str]) -> list[str]:
    """The secret kinds among flags or notices (`secret:password` → `password`)."""
    return [c[len(SECRET_PREFIX) :] for c in codes if c.startswith(SECRET_PREFIX)]


def language_of(preferred: Iterable[str | None], text: str) -> str:
    """The first known language among the customer's (ticket, profile), else the text's script,
    else English. `pt-BR` counts as `pt`."""
    for tag in preferred:
        if tag:
            base = tag.lower().replace("_", "-").split("-")[0]
            if base in _WALLET:
                return base
    for pattern, language in _SCRIPTS:
        if pattern.search(text):
            return language
    return "en"


def customer_warning(kinds: Iterable[str], language: str) -> str:
    """The warning for a message that carried these secret kinds, in `language` (or English)."""
    table = _WALLET if WALLET_KINDS.intersection(kinds) else _CREDENTIAL
    return table.get(language, table["en"])


def agent_advice(kinds: Iterable[str]) -> str:
    """What the agent sees: what was removed and how to protect the account."""
    found = [k for k in _KIND_NAMES if k in set(kinds)]
    names = ", ".join(_KIND_NAMES[k] for k in found) or "a secret"
    lines = [
        f"Security: the customer's message contained {names}. It was redacted before storage "
        "and the customer was warned that staff never ask for it."
    ]
    if WALLET_KINDS.intersection(found):
        lines.append(
            "Suggested account protection: treat the wallet as compromised. Tell the customer to "
            "move funds to a new wallet now; offer to freeze withdrawals, review recent logins, "
            "API keys and withdrawal-address changes, and reset 2FA."
        )
    else:
        lines.append(
            "Suggested: ask the customer to change the password or rotate the API key, and "
            "check recent logins."
        )
    return " ".join(lines)
