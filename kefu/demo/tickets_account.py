"""Demo conversations about accounts: 2FA resets, takeovers, phishing, KYC, contact details."""

from __future__ import annotations

from kefu.demo.spec import (
    Assign,
    AttachmentSpec,
    Escalate,
    In,
    Note,
    Out,
    SetPriority,
    Status,
    Tag,
    TicketSpec,
)
from kefu.domain.enums import Channel, Priority, TicketStatus

T = TicketSpec
St = TicketStatus

TICKETS: tuple[TicketSpec, ...] = (
    T(
        key="2fa-reset-ko",
        customer="kim.jiwoo",
        subject="Google OTP 분실로 로그인 불가",
        body=(
            "안녕하세요. 휴대폰을 바꾸면서 Google OTP 앱을 옮기지 못했습니다. 로그인할 때 "
            "OTP 코드를 입력할 수가 없어요. 백업 키도 없습니다. 어떻게 해야 하나요?"
        ),
        channel=Channel.WEB_CHAT,
        language="ko",
        intent="2fa_reset",
        team="security",
        tags=("2fa", "account-access"),
        steps=(
            Assign("park.minjun"),
            Out(
                "park.minjun",
                "안녕하세요 김지우 고객님, 박민준입니다. 본인 확인 후 OTP를 초기화해 드릴 수 "
                "있습니다. 로그인 화면에서 'OTP 사용 불가'를 눌러 초기화 요청을 제출해 주세요.",
            ),
            In("요청 제출했습니다. 다음 단계는 뭔가요?"),
            Out(
                "park.minjun",
                "감사합니다. 신분증을 들고 오늘 날짜와 '계정 OTP 초기화'라고 적은 메모를 함께 "
                "보여주는 10초 셀카 영상을 업로드해 주세요. 확인 후 24시간 내 처리됩니다.",
            ),
            Status(St.PENDING),
        ),
    ),
    T(
        key="2fa-reset-ja",
        customer="sato.haruto",
        subject="二段階認証（Authenticator）のリセット依頼",
        body=(
            "スマートフォンを紛失しました。Authenticator アプリが使えないため、"
            "二段階認証のリセットをお願いします。至急対応いただけますか。"
        ),
        channel=Channel.EMAIL,
        language="ja",
        priority=Priority.HIGH,
        intent="2fa_reset",
        tags=("2fa", "lost-device"),
        steps=(
            Assign("yuki.tanaka", team="security", by="supervisor"),
            Out(
                "yuki.tanaka",
                "佐藤様\n\nお問い合わせありがとうございます。担当の田中です。"
                "本人確認のため、身分証明書と本日の日付を書いたメモを持ったセルフィー動画を"
                "アップロードしてください。\n\nよろしくお願いいたします。",
            ),
            In("動画をアップロードしました。確認をお願いします。"),
            Note(
                "yuki.tanaka",
                "Liveness check passed, face matches KYC (score 0.97). Last login device and "
                "IP consistent with Tokyo. 2FA reset approved; 24h withdrawal lock applies.",
            ),
            Out(
                "yuki.tanaka",
                "佐藤様\n\n本人確認が完了し、二段階認証をリセットしました。次回ログイン時に"
                "新しい端末で再設定してください。セキュリティのため、24時間は出金が"
                "制限されます。",
            ),
            Status(St.SOLVED),
            Status(St.CLOSED),
        ),
    ),
    T(
        key="account-takeover-ru",
        customer="nikolai.sokolov",
        subject="Мой аккаунт взломали!",
        body=(
            "СРОЧНО! Мне пришло письмо о входе с нового устройства и о создании API-ключа. "
            "Я этого не делал! Заблокируйте аккаунт, там 3 BTC."
        ),
        channel=Channel.EMAIL,
        language="ru",
        priority=Priority.HIGH,
        intent="account_security",
        team="security",
        tags=("security", "account-takeover"),
        steps=(
            SetPriority(Priority.URGENT, by="supervisor"),
            Assign("dmitri.volkov", by="supervisor"),
            Note(
                "dmitri.volkov",
                "Login 02:14 UTC from 185.220.101.x (Tor exit), new device, API key with "
                "withdraw permission created 02:16, withdrawal of 2.95 BTC to an unknown address "
                "blocked by the address whitelist. Account frozen, API keys revoked, sessions "
                "killed. Email inbox likely compromised as well (password reset mail was opened).",
            ),
            Escalate(
                "dmitri.volkov",
                "Suspected account takeover with a blocked 2.95 BTC withdrawal; attacker may "
                "control the customer's email. Needs a supervisor to approve the unfreeze "
                "procedure and the identity re-verification.",
            ),
            Out(
                "dmitri.volkov",
                "Николай, мы заморозили ваш аккаунт, отключили все API-ключи и завершили все "
                "сессии. Попытка вывода была заблокирована, ваши средства на месте. Срочно "
                "смените пароль от почты и включите на ней двухфакторную аутентификацию.",
            ),
            In("Спасибо!!! Пароль от почты сменил. Что дальше?"),
            Note(
                "supervisor",
                "Approved: unfreeze after video KYC + new email address + fresh 2FA. Keep the "
                "48h withdrawal lock after unfreeze.",
            ),
        ),
    ),
    T(
        key="kyc-address-fr",
        customer="aminata.diallo",
        subject="Vérification KYC rejetée – justificatif de domicile",
        body=(
            "Bonjour, ma vérification de niveau 2 a été refusée avec le motif « justificatif "
            "de domicile invalide ». J'ai envoyé ma facture d'électricité Senelec."
        ),
        channel=Channel.EMAIL,
        language="fr",
        intent="kyc",
        team="security",
        tags=("kyc", "proof-of-address"),
        steps=(
            Assign("camille.dubois"),
            Out(
                "camille.dubois",
                "Bonjour Aminata,\n\nLa facture envoyée date de 5 mois ; nous acceptons les "
                "justificatifs de moins de 3 mois. Pouvez-vous envoyer une facture ou un relevé "
                "bancaire plus récent ?\n\nCordialement,\nCamille",
            ),
            In(
                "Voici ma dernière facture.",
                attachments=(
                    AttachmentSpec(
                        "facture-senelec.txt",
                        "text/plain",
                        "SENELEC - Facture d'électricité\nTitulaire: DIALLO AMINATA\n"
                        "Adresse: Sicap Liberté 6, Dakar\nPériode: mois précédent\n",
                    ),
                ),
            ),
            Out(
                "camille.dubois",
                "Merci ! Il manque la deuxième page où figure votre adresse complète. Merci de "
                "l'ajouter via la page Vérification > Niveau 2.",
            ),
            Status(St.PENDING),
        ),
    ),
    T(
        key="kyc-rejected-ar",
        customer="fatima.zahra",
        subject="رفض التحقق من الهوية",
        body=(
            "مرحباً، رفض التحقق من هويتي ثلاث مرات مع رسالة 'الصورة غير واضحة'. "
            "أستخدم بطاقة التعريف الوطنية المغربية."
        ),
        channel=Channel.WEB_CHAT,
        language="ar",
        intent="kyc",
        team="general",
        tags=("kyc", "id-document"),
        steps=(
            Assign("omar.haddad", by="supervisor"),
            Out(
                "omar.haddad",
                "مرحباً فاطمة، أنا عمر. غالباً السبب هو انعكاس الضوء على البطاقة. يرجى التصوير "
                "في ضوء النهار بدون فلاش، مع ظهور الزوايا الأربع للبطاقة بالكامل.",
            ),
            In("نجحت المحاولة الآن، شكراً جزيلاً!"),
            Out("omar.haddad", "ممتاز! حسابك الآن موثق في المستوى 1. يومك سعيد."),
            Status(St.SOLVED),
        ),
    ),
    T(
        key="kyc-failing-id",
        customer="siti.rahmawati",
        subject="Verifikasi KYC gagal terus",
        body=(
            "Halo, saya sudah coba verifikasi wajah 5 kali tapi selalu gagal di langkah "
            "'liveness'. Kamera HP saya normal. Tolong dibantu."
        ),
        channel=Channel.WEB_FORM,
        language="id",
        intent="kyc",
        tags=("kyc", "liveness"),
    ),
    T(
        key="email-code-vi",
        customer="pham.ha",
        subject="Không nhận được mã xác minh email",
        body=(
            "Mình đăng ký tài khoản nhưng không nhận được mã xác minh qua email, đã bấm gửi "
            "lại nhiều lần."
        ),
        channel=Channel.WEB_CHAT,
        language="vi",
        priority=Priority.LOW,
        intent="account_access",
        tags=("email-verification",),
        steps=(
            Assign("nguyen.lan", team="general", by="supervisor"),
            Out(
                "nguyen.lan",
                "Chào bạn Hà, mình là Lan. Bạn kiểm tra giúp mình thư mục Spam/Quảng cáo và "
                "thêm địa chỉ no-reply của sàn vào danh bạ nhé. Một số nhà mạng chặn email tự "
                "động.",
            ),
            In("Có rồi, nằm trong Spam. Cảm ơn bạn!"),
            Out("nguyen.lan", "Tuyệt vời! Chúc bạn giao dịch vui vẻ."),
            Status(St.SOLVED),
            Status(St.CLOSED),
        ),
    ),
    T(
        key="phishing-en",
        customer="raj.patel",
        subject="Is @kefuX_Support_Help on X really your support account?",
        body=(
            "Someone called @kefuX_Support_Help replied to my tweet about a stuck withdrawal "
            "and asked me to 'verify my wallet' on a website. Is that you? Looks fishy."
        ),
        channel=Channel.X,
        language="en",
        priority=Priority.HIGH,
        intent="phishing_report",
        team="security",
        tags=("security", "phishing"),
        steps=(
            Assign("park.minjun"),
            Out(
                "park.minjun",
                "Thanks for checking with us, Raj. That account is NOT ours: we never ask you to "
                "connect a wallet or share your seed phrase. Please don't click the link. We'll "
                "report the account.",
            ),
            Note(
                "park.minjun",
                "Impersonation account + phishing domain verify-kefux-wallet[.]example. Reported "
                "to X and to the registrar; added to the anti-phishing blocklist banner.",
            ),
            Tag(("impersonation",)),
        ),
    ),
    T(
        key="phone-change-zh",
        customer="chen.yuting",
        subject="更換綁定手機號碼",
        body="您好，我換了新的手機號碼，舊號碼已經停用，收不到簡訊驗證碼。請問如何更換綁定手機？",
        channel=Channel.WEB_CHAT,
        language="zh",
        intent="account_change",
        tags=("account", "phone-number"),
        steps=(
            Assign("wang.fang", team="general"),
            Out(
                "wang.fang",
                "您好，請到「帳戶安全」>「手機驗證」>「更換」，選擇「舊號碼無法使用」，"
                "並完成身份驗證與人臉辨識即可。",
            ),
            In("已經更換成功了，謝謝！"),
            Out("wang.fang", "不客氣！更換後 24 小時內提幣會暫時受限，這是正常的安全措施。"),
            Status(St.SOLVED),
        ),
    ),
    T(
        key="password-hold-en",
        customer="emily.johnson",
        subject="Why can't I withdraw after changing my password?",
        body=(
            "Call summary: customer changed her password this morning and now sees 'Withdrawals "
            "disabled for 24 hours'. She wants to withdraw 500 GBP today for rent."
        ),
        channel=Channel.PHONE,
        language="en",
        intent="account_security",
        team="general",
        tags=("security-hold", "withdrawal"),
        steps=(
            Assign("putri.wulandari"),
            Out(
                "putri.wulandari",
                "Hi Emily, following up on your call: the 24-hour withdrawal hold after a "
                "password change protects you if someone else changed it. It cannot be lifted "
                "early, and it ends at 09:42 UK time tomorrow. Sorry for the inconvenience!",
            ),
            Status(St.SOLVED),
            Status(St.CLOSED),
        ),
    ),
    T(
        key="corporate-account-en",
        customer="prospect",
        subject="Corporate account onboarding for a trading firm",
        body=(
            "Hello, we are a proprietary trading firm in Warsaw and would like to open a "
            "corporate account with API access and sub-accounts. What documents do you need "
            "and do you offer a market maker programme?"
        ),
        channel=Channel.WEB_FORM,
        language="en",
        intent="corporate_onboarding",
        tags=("institutional", "onboarding", "sales-lead"),
        steps=(
            Assign("james.carter", team="vip-desk", by="supervisor"),
            Out(
                "james.carter",
                "Hello Tomasz,\n\nThanks for reaching out. For a corporate account we need the "
                "certificate of incorporation, register of directors and UBOs (>25%), a recent "
                "proof of address and the KYC of each director. Market makers with more than "
                "50M USD monthly volume qualify for our programme.\n\nBest,\nJames",
            ),
            In("Thank you, very clear. We will apply through the corporate form this week."),
            Out("james.carter", "Great, I'll keep an eye out for your application."),
            Status(St.SOLVED),
            Status(St.CLOSED),
        ),
    ),
    T(
        key="travel-rule-ko",
        customer="kim.jiwoo",
        subject="출금 시 수취인 정보 입력 요구 (트래블룰)",
        body=(
            "다른 거래소로 USDT를 보내려는데 수취인 이름과 거래소를 입력하라고 나옵니다. "
            "개인 지갑으로 보낼 때도 이걸 해야 하나요?"
        ),
        channel=Channel.WEB_CHAT,
        language="ko",
        priority=Priority.LOW,
        intent="travel_rule",
        team="security",
        tags=("travel-rule", "withdrawal"),
        steps=(
            Assign("park.minjun"),
            Out(
                "park.minjun",
                "고객님, 100만 원 이상 출금 시 트래블룰에 따라 수취인 정보가 필요합니다. "
                "개인 지갑으로 보내시는 경우 '개인 지갑'을 선택하고 지갑 소유 인증을 "
                "진행하시면 됩니다.",
            ),
            In("개인 지갑 인증은 어떻게 하나요? 메타마스크입니다."),
        ),
    ),
)
