"""Demo conversations about money moving: crypto deposits and withdrawals, fiat rails, cards."""

from __future__ import annotations

from kefu.demo.spec import (
    Assign,
    AttachmentSpec,
    In,
    MergeInto,
    Note,
    Out,
    Status,
    Tag,
    TicketSpec,
)
from kefu.domain.enums import Channel, Priority, TicketStatus

T = TicketSpec
St = TicketStatus

TICKETS: tuple[TicketSpec, ...] = (
    T(
        key="deposit-trc20-zh",
        customer="zhang.wei",
        subject="USDT-TRC20 充值未到账",
        body=(
            "你好，我昨天晚上从另一个平台提了 2,500 USDT (TRC20) 到我的充值地址，"
            "对方平台显示已完成，但是我的账户里一直没有到账。请帮忙查一下。"
        ),
        channel=Channel.WEB_CHAT,
        language="zh",
        priority=Priority.HIGH,
        intent="deposit_missing",
        team="payments",
        tags=("deposit", "usdt", "trc20"),
        steps=(
            Assign("wang.fang"),
            Out(
                "wang.fang",
                "您好，我是王芳，很抱歉给您带来不便。请提供该笔充值的交易哈希 (TxID) "
                "和您使用的充值地址，我马上为您核查。",
            ),
            In(
                "TxID: e998a5bcf6b7ad04adf0ef1ddc0bccebe4f95b7a4bf2a4294a53837dd396602c\n"
                "地址: TNZqYYkJPkk2bsUzs36FN4MDtKJDFaRBWP（是我上个月保存的地址）"
            ),
            Note(
                "wang.fang",
                "Tronscan: 2,500 USDT, 19/19 confirmations, success. The address "
                "TNZqYY…BWP is the customer's previous deposit address, rotated on the 3rd "
                "during the hot-wallet migration; funds sit on the legacy sweep wallet. Needs a "
                "manual credit by wallet ops (WOPS queue).",
            ),
            Out(
                "wang.fang",
                "已查到这笔交易，链上已成功确认。由于您使用的是我们上月已更换的旧充值地址，"
                "系统无法自动入账。我已提交给钱包团队人工处理，通常 1-2 个工作日内到账，"
                "无需您再操作。以后充值请在“充值”页面重新复制最新地址。",
            ),
            Status(St.ON_HOLD),
        ),
    ),
    T(
        key="deposit-trc20-zh-email",
        customer="zhang.wei",
        subject="Re: 充值未到账 - 已经两天了",
        body=(
            "在线客服说 1-2 个工作日，现在已经两天了还是没有到账。"
            "TxID e998a5bcf6b7ad04adf0ef1ddc0bccebe4f95b7a4bf2a4294a53837dd396602c，请尽快处理！"
        ),
        channel=Channel.EMAIL,
        language="zh",
        intent="deposit_missing",
        team="payments",
        tags=("deposit", "follow-up"),
        steps=(MergeInto("deposit-trc20-zh", by="wang.fang"),),
    ),
    T(
        key="deposit-arbitrum-es",
        customer="maria.garcia",
        subject="Depósito de ETH no acreditado",
        body=(
            "Hola, envié 0,85 ETH desde mi wallet MetaMask a mi dirección de depósito hace "
            "más de 5 horas y todavía no aparece en mi cuenta. ¿Qué pasa?"
        ),
        channel=Channel.WEB_CHAT,
        language="es",
        intent="deposit_missing",
        team="payments",
        tags=("deposit", "eth", "wrong-network"),
        steps=(
            Assign("carlos.mendoza"),
            Out(
                "carlos.mendoza",
                "Hola María, soy Carlos. ¿Me puedes indicar el hash de la transacción y la red "
                "que elegiste en MetaMask (Ethereum, Arbitrum, Base…)?",
            ),
            In(
                "Hash: 0xbf0777bbfff4208c53f1e070b2098fbca72b32ec6d4d886209d748fa9f7ddb03\n"
                "Creo que estaba en Arbitrum One, no me fijé :("
            ),
            Note(
                "carlos.mendoza",
                "Confirmed on Arbitrum One to her ERC20 deposit address "
                "0x5f8b74e830a842a7390e7e9ebb86f596d41047aa. Same key controls the address on "
                "Arbitrum, so recoverable: wallet ops recovery, fee 15 USDT, 3-5 business days.",
            ),
            Out(
                "carlos.mendoza",
                "Gracias. La transacción se envió por Arbitrum One, pero en la página de depósito "
                "tenías seleccionada la red Ethereum (ERC20). Los fondos son recuperables: el "
                "equipo de wallets puede acreditarlos en 3-5 días hábiles con una comisión de "
                "recuperación de 15 USDT. ¿Confirmas que quieres continuar?",
            ),
            Status(St.PENDING),
        ),
    ),
    T(
        key="withdrawal-btc-ru",
        customer="ivan.petrov",
        subject="Вывод BTC завис более 6 часов",
        body=(
            "Здравствуйте! Вывел 0.42 BTC на свой кошелёк 6 часов назад, статус до сих пор "
            "«В обработке». Обычно приходит за 30 минут. Что случилось?"
        ),
        channel=Channel.TELEGRAM,
        language="ru",
        priority=Priority.HIGH,
        intent="withdrawal_delay",
        tags=("withdrawal", "btc", "risk-review"),
        steps=(
            Assign("dmitri.volkov", team="security", by="supervisor"),
            Out(
                "dmitri.volkov",
                "Здравствуйте, Иван! Меня зовут Дмитрий. Ваш вывод попал на стандартную "
                "проверку безопасности. Подтвердите, пожалуйста: адрес "
                "bc1qtd0ae9f5qrysl4j4r2j7hkppr9t97ksxcnur4n принадлежит вам и вы добавили его "
                "сегодня сами?",
            ),
            In("Да, это мой новый Ledger, добавил сегодня утром. Вход был из Алматы, это я."),
            Note(
                "dmitri.volkov",
                "Address added 2h before the withdrawal, first use, login from a new IP in "
                "Almaty (matches KYC city). No other risk signals. Sent to compliance for the "
                "standard new-address check (case CMP-55812).",
            ),
            Status(St.ON_HOLD),
            Out(
                "dmitri.volkov",
                "Спасибо! Передал заявку в отдел комплаенса, проверка обычно занимает до 24 "
                "часов. Средства в безопасности и зарезервированы под этот вывод.",
            ),
        ),
    ),
    T(
        key="pix-deposit-pt",
        customer="joao.oliveira",
        subject="Depósito via PIX não creditado",
        body=(
            "Boa tarde, fiz um PIX de R$ 3.000,00 para depositar na conta e até agora nada. "
            "O dinheiro já saiu do meu banco (Nubank)."
        ),
        channel=Channel.WEB_CHAT,
        language="pt",
        intent="deposit_missing",
        tags=("deposit", "fiat", "pix"),
        steps=(
            Assign("ana.souza", team="payments", by="supervisor"),
            Out(
                "ana.souza",
                "Olá João, sou a Ana. Pode me enviar o comprovante do PIX com o ID da transação "
                "(E2E)? Vou localizar o pagamento.",
            ),
            In(
                "Segue o comprovante.",
                attachments=(
                    AttachmentSpec(
                        "comprovante-pix.txt",
                        "text/plain",
                        "Comprovante de transferência PIX\nValor: R$ 3.000,00\n"
                        "ID: E18236120202406111432s0123456789\nPagador: JOAO P OLIVEIRA\n",
                    ),
                ),
            ),
            Note(
                "ana.souza",
                "Found E2E E1823612…789 in the PSP report; the payer left out the reference code, "
                "so it did not auto-match. CPF matches KYC. Credited 3,000.00 BRL manually.",
            ),
            Out(
                "ana.souza",
                "Encontrei! O PIX chegou sem o código de referência, por isso não foi creditado "
                "automaticamente. Já creditei R$ 3.000,00 na sua conta. Da próxima vez, use o "
                "QR code gerado na página de depósito.",
            ),
            Status(St.SOLVED),
            Status(St.CLOSED),
        ),
    ),
    T(
        key="idr-withdrawal-id",
        customer="budi.santoso",
        subject="Penarikan IDR ke rekening BCA belum masuk",
        body=(
            "Selamat siang, saya tarik Rp 15.000.000 ke rekening BCA sejak kemarin sore tapi "
            "belum masuk. Status di aplikasi 'Gagal'. Saldonya juga belum kembali."
        ),
        channel=Channel.WEB_CHAT,
        language="id",
        priority=Priority.HIGH,
        intent="withdrawal_delay",
        team="payments",
        tags=("withdrawal", "fiat", "idr"),
        steps=(
            Assign("putri.wulandari"),
            Out(
                "putri.wulandari",
                "Halo Pak Budi, saya Putri. Mohon maaf atas ketidaknyamanannya, saya cek dulu "
                "transaksinya ya.",
            ),
            Note(
                "putri.wulandari",
                "Bank rejected: beneficiary name 'BUDI SANTOSO SE' vs KYC 'Budi Santoso'. "
                "Refund of 15,000,000 IDR is in the reversal batch of 16:00 WIB today.",
            ),
            Out(
                "putri.wulandari",
                "Penarikan ditolak oleh bank karena nama pemilik rekening (BUDI SANTOSO SE) "
                "tidak sama persis dengan nama di verifikasi KYC. Dana Rp 15.000.000 akan kembali "
                "ke saldo Bapak hari ini sebelum pukul 17.00 WIB. Silakan tambahkan rekening "
                "atas nama yang sama persis dengan KTP, lalu coba lagi.",
            ),
            Status(St.PENDING),
        ),
    ),
    T(
        key="xrp-memo-tr",
        customer="mehmet.kaya",
        subject="XRP yatırma işlemi - etiket (tag) girmeyi unuttum",
        body=(
            "Merhaba, 1.200 XRP gönderdim ama Destination Tag yazmayı unuttum. Hesabıma "
            "geçmedi. Paramı geri alabilir miyim?"
        ),
        channel=Channel.WEB_CHAT,
        language="tr",
        intent="deposit_missing",
        team="payments",
        tags=("deposit", "xrp"),
        steps=(
            Assign("elif.yilmaz"),
            Out(
                "elif.yilmaz",
                "Merhaba Mehmet Bey, ben Elif. Endişelenmeyin, çoğu durumda kurtarılabiliyor. "
                "İşlem hash'ini paylaşır mısınız?",
            ),
            In("Hash: 3293F5E7E5D2325B45084AAFD1665035FEAD56E515CAAE65E02C8501CFC615B4"),
            Note(
                "elif.yilmaz",
                "Found on the XRP ledger to rau4sa2GFjzWP38Nnjxr2YXcC32MRayeM3 without a tag. "
                "Filed missing-tag recovery WOPS-10923; 5 business days.",
            ),
            Out(
                "elif.yilmaz",
                "İşlemi bulduk. Kurtarma talebi oluşturdum; cüzdan ekibi 5 iş günü içinde "
                "XRP'nizi hesabınıza aktaracak. Bir sonraki yatırmada Destination Tag alanını "
                "mutlaka doldurun lütfen.",
            ),
            Tag(("missing-memo",)),
        ),
    ),
    T(
        key="sol-withdrawal-en",
        customer="emily.johnson",
        subject="SOL withdrawal stuck in 'processing'",
        body=(
            "Hi, I withdrew 35 SOL to GQR86U8TJRoQLU9fg1H4GpHf1GXwdAaDJZDNSy8feiRZ about two "
            "hours ago and it still says processing. There's no transaction ID. Solana is "
            "usually instant?"
        ),
        channel=Channel.WEB_CHAT,
        language="en",
        intent="withdrawal_delay",
        tags=("withdrawal", "sol"),
        steps=(In("Any update? I need the SOL for a mint that closes in an hour."),),
    ),
    T(
        key="bep20-deposit-vi",
        customer="tran.duc",
        subject="Nạp USDT BEP20 chưa về ví",
        body=(
            "Chào admin, mình nạp 1.000 USDT mạng BEP20 từ 40 phút trước, BscScan báo thành "
            "công rồi mà tài khoản vẫn chưa thấy. TxID "
            "0xb66f2f2601a61cb86e1fc31074133eaae2ae6a21c976c1f031f876db084f23c8"
        ),
        channel=Channel.TELEGRAM,
        language="vi",
        intent="deposit_missing",
        tags=("deposit", "usdt", "bep20"),
    ),
    T(
        key="sepa-rejected-fr",
        customer="lucas.martin",
        subject="Retrait SEPA refusé",
        body=(
            "Bonjour, mon retrait de 2 000 EUR vers mon compte Boursorama a été refusé sans "
            "explication. Pouvez-vous me dire pourquoi ?"
        ),
        channel=Channel.EMAIL,
        language="fr",
        intent="withdrawal_rejected",
        tags=("withdrawal", "fiat", "sepa"),
        steps=(
            Assign("camille.dubois", team="payments"),
            Out(
                "camille.dubois",
                "Bonjour Lucas,\n\nLe retrait a été refusé car l'IBAN enregistré "
                "(FR76 …4821) est au nom de « L. et M. Martin » : il s'agit d'un compte joint. "
                "Nous ne pouvons envoyer des fonds que vers un compte à votre nom seul.\n\n"
                "Cordialement,\nCamille",
            ),
            In("Ah d'accord. J'ai ajouté mon compte personnel, le retrait est passé. Merci !"),
            Out(
                "camille.dubois",
                "Parfait, je vois le virement envoyé ce matin. Les fonds arrivent "
                "généralement sous 1 jour ouvré. Bonne journée !",
            ),
            Status(St.SOLVED),
        ),
    ),
    T(
        key="card-declined-tr",
        customer="mehmet.kaya",
        subject="Kredi kartıyla kripto alımı: kart reddedildi",
        body=(
            "Visa kartımla 5.000 TL'lik USDT almak istedim, '3DS doğrulama başarısız' "
            "hatası aldım. Bankadan SMS kodu bile gelmedi."
        ),
        channel=Channel.WEB_CHAT,
        language="tr",
        intent="card_payment",
        team="payments",
        tags=("card", "buy-crypto"),
        steps=(
            Assign("elif.yilmaz"),
            Out(
                "elif.yilmaz",
                "Merhaba tekrar Mehmet Bey. Bazı Türk bankaları kripto alımlarını varsayılan "
                "olarak engelliyor. Bankanızın uygulamasında 'internet alışverişi' ve "
                "'yurt dışı işlemler' açık mı?",
            ),
            In("Yurt dışı işlemler kapalıydı, açtım. Tekrar deneyeyim mi?"),
            Note(
                "elif.yilmaz",
                "Acquirer log shows 3DS challenge never sent (issuer block, code 05). Suggested "
                "enabling foreign e-commerce; waiting for his retry.",
            ),
            Out(
                "elif.yilmaz",
                "Evet, lütfen tekrar deneyin. Yine olmazsa banka havalesi ile TRY yatırıp "
                "Convert ile USDT alabilirsiniz, komisyonu da daha düşük.",
            ),
        ),
    ),
    T(
        key="btc-fee-fr",
        customer="lucas.martin",
        subject="Frais de retrait BTC trop élevés ?",
        body=(
            "Bonjour, pourquoi les frais de retrait BTC sont de 0,0002 BTC alors que le réseau "
            "est presque vide en ce moment ?"
        ),
        channel=Channel.EMAIL,
        language="fr",
        priority=Priority.LOW,
        intent="fees",
        tags=("fees", "btc"),
        steps=(
            Assign("camille.dubois"),
            Out(
                "camille.dubois",
                "Bonjour Lucas,\n\nNos frais de retrait sont fixes et revus chaque semaine selon "
                "la moyenne du réseau, pas en temps réel. Astuce : le retrait via le réseau "
                "Lightning coûte 0,000001 BTC.\n\nCordialement,\nCamille",
            ),
            Status(St.SOLVED),
            Status(St.CLOSED, by="supervisor"),
        ),
    ),
    T(
        key="withdrawal-limit-ar",
        customer="youssef.alamin",
        subject="طلب رفع حد السحب اليومي",
        body=(
            "السلام عليكم، أحتاج إلى سحب 2,000,000 USDT هذا الأسبوع لصفقة OTC، والحد اليومي "
            "الحالي 500,000 فقط. أرجو رفع الحد بشكل عاجل."
        ),
        channel=Channel.EMAIL,
        language="ar",
        priority=Priority.HIGH,
        intent="limit_increase",
        team="vip-desk",
        tags=("vip", "withdrawal", "limits"),
        steps=(
            Assign("omar.haddad"),
            Out(
                "omar.haddad",
                "وعليكم السلام أستاذ يوسف، معك عمر مدير حسابك. يسعدني المساعدة. يرجى إرسال "
                "ما يثبت مصدر الأموال للصفقة (عقد أو كشف حساب بنكي) حتى نرفع الطلب لقسم الامتثال.",
            ),
            In(
                "تفضل، مرفق العقد.",
                attachments=(
                    AttachmentSpec(
                        "otc-agreement-summary.txt",
                        "text/plain",
                        "OTC purchase agreement (summary)\nBuyer: Al-Amin Holdings FZE\n"
                        "Amount: 2,000,000 USDT\nSettlement: 3 tranches, T+0\n",
                    ),
                ),
            ),
            Note(
                "omar.haddad",
                "SoF document received. VIP3, KYC level 3, 14 months without incidents. "
                "Requested a temporary limit of 1,000,000 USDT/day for 7 days from compliance "
                "(CMP-55870).",
            ),
            Status(St.ON_HOLD),
            Out(
                "omar.haddad",
                "شكراً، استلمنا المستند وأرسلنا طلب رفع الحد مؤقتاً إلى 1,000,000 USDT يومياً "
                "لمدة 7 أيام. سأبلغك فور الموافقة، عادةً خلال يوم عمل واحد.",
            ),
        ),
    ),
    T(
        key="convert-price-pt",
        customer="beatriz.santos",
        subject="Conversão executada com preço diferente do cotado",
        body=(
            "Olá, usei o Convert para trocar 10.000 USDC por BTC. A cotação mostrava "
            "0,1539 BTC mas recebi 0,1531 BTC. Porque?"
        ),
        channel=Channel.WEB_CHAT,
        language="pt",
        intent="convert",
        tags=("convert", "pricing"),
        steps=(
            Assign("ana.souza", team="payments"),
            Out(
                "ana.souza",
                "Olá Beatriz! A cotação do Convert é válida por 6 segundos. Vejo que a "
                "confirmação foi feita 11 segundos depois, e a app pediu uma nova cotação, que "
                "foi de 0,1531 BTC. Não há comissão escondida.",
            ),
            In("Ah, não reparei que a cotação tinha sido atualizada. Obrigada pela explicação."),
            Out("ana.souza", "De nada! Qualquer dúvida, estamos aqui."),
            Status(St.SOLVED),
        ),
    ),
)
