"""What triage tells a customer, in their language: a message joined an open request, or their
messages are restricted (kefu/domain/restriction_policy.py).

The languages are those of the secret warnings (kefu/domain/secret_warnings.py), and the
customer's language is chosen the same way (`language_of`: the ticket's, then the customer's,
then the script of the text, else English).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from kefu.domain.restriction_policy import Level, Verdict

_DUPLICATE: Final[dict[str, str]] = {
    "en": "Your message was added to your open request {number}: we will answer you there.",
    "zh": "您的消息已添加到您尚未解决的请求 {number}，我们会在那里回复您。",
    "ja": "メッセージは対応中のお問い合わせ {number} に追加されました。そちらでご回答いたします。",
    "ko": "메시지가 진행 중인 문의 {number}에 추가되었습니다. 해당 문의에서 답변드리겠습니다.",
    "es": "Tu mensaje se ha añadido a tu solicitud abierta {number}: te responderemos allí.",
    "pt": "Sua mensagem foi adicionada à sua solicitação em aberto {number}: responderemos por lá.",
    "fr": "Votre message a été ajouté à votre demande en cours {number} : nous vous répondrons "
    "là-bas.",
    "de": "Ihre Nachricht wurde Ihrer offenen Anfrage {number} hinzugefügt: Wir antworten Ihnen "
    "dort.",
    "it": "Il tuo messaggio è stato aggiunto alla tua richiesta aperta {number}: ti risponderemo "
    "lì.",
    "ru": "Ваше сообщение добавлено к вашему открытому обращению {number}: мы ответим вам там.",
    "tr": "Mesajınız açık talebiniz {number} kapsamına eklendi: size oradan yanıt vereceğiz.",
    "vi": "Tin nhắn của bạn đã được thêm vào yêu cầu đang mở {number}: chúng tôi sẽ trả lời bạn "
    "ở đó.",
    "id": "Pesan Anda telah ditambahkan ke permintaan terbuka Anda {number}: kami akan menjawab "
    "Anda di sana.",
    "th": "ข้อความของคุณถูกเพิ่มไปยังคำขอที่ยังเปิดอยู่ {number} แล้ว เราจะตอบกลับคุณที่นั่น",
    "ar": "تمت إضافة رسالتك إلى طلبك المفتوح {number}، وسنرد عليك هناك.",
}

# When a customer's level rises.
_RAISED: Final[dict[Level, dict[str, str]]] = {
    Level.WARNING: {
        "en": "Please keep the conversation respectful and avoid repeating messages.",
        "zh": "请保持礼貌交流，避免重复发送消息。",
        "ja": "丁寧なやり取りを心がけ、同じメッセージの繰り返し送信はお控えください。",
        "ko": "정중한 대화를 부탁드리며, 같은 메시지를 반복해서 보내지 말아 주세요.",
        "es": "Por favor, mantén una conversación respetuosa y evita repetir mensajes.",
        "pt": "Por favor, mantenha a conversa respeitosa e evite repetir mensagens.",
        "fr": "Merci de rester courtois et d'éviter de répéter vos messages.",
        "de": "Bitte bleiben Sie respektvoll und wiederholen Sie Ihre Nachrichten nicht.",
        "it": "Ti chiediamo di mantenere una conversazione rispettosa e di non ripetere i "
        "messaggi.",
        "ru": "Пожалуйста, общайтесь уважительно и не повторяйте сообщения.",
        "tr": "Lütfen saygılı bir dil kullanın ve aynı mesajları tekrarlamayın.",
        "vi": "Vui lòng giữ thái độ tôn trọng và tránh gửi lặp lại tin nhắn.",
        "id": "Mohon jaga percakapan tetap sopan dan hindari mengulang pesan.",
        "th": "โปรดสนทนาอย่างสุภาพและหลีกเลี่ยงการส่งข้อความซ้ำ",
        "ar": "يرجى الحفاظ على الاحترام في المحادثة وتجنّب تكرار الرسائل.",
    },
    Level.SLOW: {
        "en": "Slow mode is on: please send one message at a time.",
        "zh": "已开启慢速模式：请一次只发送一条消息。",
        "ja": "スローモードが有効です。メッセージは1件ずつ送信してください。",
        "ko": "슬로 모드가 켜져 있습니다. 메시지를 한 번에 하나씩 보내 주세요.",
        "es": "El modo lento está activado: envía un mensaje cada vez.",
        "pt": "O modo lento está ativado: envie uma mensagem de cada vez.",
        "fr": "Le mode lent est activé : envoyez un message à la fois.",
        "de": "Der langsame Modus ist aktiv: Bitte senden Sie eine Nachricht nach der anderen.",
        "it": "La modalità lenta è attiva: invia un messaggio alla volta.",
        "ru": "Включён медленный режим: отправляйте по одному сообщению.",
        "tr": "Yavaş mod açık: lütfen mesajlarınızı tek tek gönderin.",
        "vi": "Chế độ chậm đang bật: vui lòng gửi từng tin nhắn một.",
        "id": "Mode lambat aktif: kirim satu pesan setiap kali.",
        "th": "เปิดโหมดช้าอยู่ โปรดส่งข้อความทีละข้อความ",
        "ar": "الوضع البطيء مفعّل: يرجى إرسال رسالة واحدة في كل مرة.",
    },
    Level.MUTED: {
        "en": "You are temporarily muted because of repeated abuse or flooding.",
        "zh": "由于多次发送辱骂或刷屏内容，您已被暂时禁言。",
        "ja": "暴言や連続投稿が繰り返されたため、一時的にメッセージ送信が制限されています。",
        "ko": "반복된 욕설 또는 도배로 인해 일시적으로 메시지 전송이 제한되었습니다.",
        "es": "Se te ha silenciado temporalmente por abusos o envíos masivos repetidos.",
        "pt": "Você foi silenciado temporariamente por abuso ou excesso de mensagens repetidos.",
        "fr": "Vous êtes temporairement mis en sourdine en raison d'abus ou d'envois massifs "
        "répétés.",
        "de": "Sie sind wegen wiederholter Beleidigungen oder Nachrichtenflut vorübergehend "
        "stummgeschaltet.",
        "it": "Sei temporaneamente silenziato a causa di abusi o invii massicci ripetuti.",
        "ru": "Вы временно не можете писать из-за повторяющихся оскорблений или флуда.",
        "tr": "Tekrarlanan taciz veya mesaj yağmuru nedeniyle geçici olarak susturuldunuz.",
        "vi": "Bạn tạm thời bị tắt tiếng do liên tục lăng mạ hoặc gửi tin nhắn dồn dập.",
        "id": "Anda dibisukan sementara karena penyalahgunaan atau pesan berlebihan yang berulang.",
        "th": "คุณถูกระงับการส่งข้อความชั่วคราวเนื่องจากใช้ถ้อยคำไม่เหมาะสมหรือส่งข้อความรัวซ้ำๆ",
        "ar": "تم كتم رسائلك مؤقتًا بسبب الإساءة أو الإغراق المتكرر بالرسائل.",
    },
    Level.BLOCKED: {
        "en": "Your messages are on hold until a supervisor reviews this conversation.",
        "zh": "在主管审核此对话之前，您的消息将暂缓处理。",
        "ja": "スーパーバイザーがこの会話を確認するまで、メッセージは保留されます。",
        "ko": "관리자가 이 대화를 검토할 때까지 메시지가 보류됩니다.",
        "es": "Tus mensajes quedan en espera hasta que un supervisor revise esta conversación.",
        "pt": "Suas mensagens ficarão em espera até que um supervisor analise esta conversa.",
        "fr": "Vos messages sont en attente jusqu'à ce qu'un superviseur examine cette "
        "conversation.",
        "de": "Ihre Nachrichten werden zurückgehalten, bis ein Supervisor dieses Gespräch prüft.",
        "it": "I tuoi messaggi sono in attesa finché un supervisore non esaminerà questa "
        "conversazione.",
        "ru": "Ваши сообщения приостановлены до проверки этого разговора руководителем.",
        "tr": "Bir yönetici bu görüşmeyi inceleyene kadar mesajlarınız beklemede.",
        "vi": "Tin nhắn của bạn đang bị tạm giữ cho đến khi người giám sát xem xét cuộc trò "
        "chuyện này.",
        "id": "Pesan Anda ditahan sampai supervisor meninjau percakapan ini.",
        "th": "ข้อความของคุณจะถูกพักไว้จนกว่าหัวหน้างานจะตรวจสอบการสนทนานี้",
        "ar": "رسائلك معلّقة إلى أن يراجع مشرف هذه المحادثة.",
    },
}

# With each message a restricted customer sends: it was saved, and when they may write again.
_SAVED: Final[dict[str, str]] = {
    "en": "Your message was saved and will be read.",
    "zh": "您的消息已保存，我们会阅读。",
    "ja": "メッセージは保存され、確認されます。",
    "ko": "메시지는 저장되었으며 확인될 예정입니다.",
    "es": "Tu mensaje se ha guardado y será leído.",
    "pt": "Sua mensagem foi salva e será lida.",
    "fr": "Votre message a été enregistré et sera lu.",
    "de": "Ihre Nachricht wurde gespeichert und wird gelesen.",
    "it": "Il tuo messaggio è stato salvato e verrà letto.",
    "ru": "Ваше сообщение сохранено и будет прочитано.",
    "tr": "Mesajınız kaydedildi ve okunacak.",
    "vi": "Tin nhắn của bạn đã được lưu và sẽ được đọc.",
    "id": "Pesan Anda telah disimpan dan akan dibaca.",
    "th": "ข้อความของคุณถูกบันทึกไว้แล้วและจะมีผู้อ่าน",
    "ar": "تم حفظ رسالتك وستتم قراءتها.",
}
_AGAIN_AT: Final[dict[str, str]] = {
    "en": "You can write again at {time} UTC.",
    "zh": "您可以在 UTC 时间 {time} 再次发送消息。",
    "ja": "UTC {time} 以降に再びメッセージを送信できます。",
    "ko": "UTC 기준 {time}부터 다시 메시지를 보낼 수 있습니다.",
    "es": "Podrás volver a escribir a las {time} UTC.",
    "pt": "Você poderá escrever novamente às {time} UTC.",
    "fr": "Vous pourrez écrire de nouveau à {time} UTC.",
    "de": "Sie können um {time} UTC wieder schreiben.",
    "it": "Potrai scrivere di nuovo alle {time} UTC.",
    "ru": "Вы сможете снова писать в {time} UTC.",
    "tr": "UTC {time} itibarıyla yeniden yazabilirsiniz.",
    "vi": "Bạn có thể nhắn lại lúc {time} UTC.",
    "id": "Anda dapat menulis lagi pukul {time} UTC.",
    "th": "คุณจะส่งข้อความได้อีกครั้งเวลา {time} UTC",
    "ar": "يمكنك الكتابة مرة أخرى في الساعة {time} بتوقيت UTC.",
}

LANGUAGES: Final = tuple(sorted(_DUPLICATE))


def _pick(table: dict[str, str], language: str) -> str:
    return table.get(language, table["en"])


def duplicate_notice(number: str, language: str) -> str:
    """A message joined the customer's open request `number`."""
    return _pick(_DUPLICATE, language).format(number=number)


def restriction_raised(level: Level, language: str) -> str:
    """What the customer is told when their level rises to `level` ('' for none)."""
    table = _RAISED.get(level)
    return _pick(table, language) if table else ""


def verdict_notice(verdict: Verdict, language: str) -> str:
    """What a restricted customer is told with each message: why, that it was saved, and when
    they may write freely again."""
    if not verdict.restricted:
        return ""
    parts = [restriction_raised(verdict.level, language), _pick(_SAVED, language)]
    if verdict.retry_at is not None:
        parts.append(_pick(_AGAIN_AT, language).format(time=_clock(verdict.retry_at)))
    separator = "" if language in ("zh", "ja") else " "
    return separator.join(p for p in parts if p)


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"
