"""Demo conversations about trading: liquidations, funding, P2P disputes, API limits, earn."""

from __future__ import annotations

from kefu.demo.spec import (
    Assign,
    AttachmentSpec,
    Escalate,
    In,
    Note,
    Out,
    Status,
    Tag,
    TicketSpec,
)
from kefu.domain.enums import Channel, Priority, TicketStatus

T = TicketSpec
St = TicketStatus

_TRADES_CSV = """\
date_utc,pair,side,price,amount,fee,fee_asset
2024-03-02 09:14:07,BTC/USDT,BUY,62110.5,0.12,0.000120,BTC
2024-03-02 11:40:51,ETH/USDT,BUY,3412.8,2.5,0.002500,ETH
2024-03-05 16:02:33,BTC/USDT,SELL,66870.0,0.05,3.343500,USDT
"""

TICKETS: tuple[TicketSpec, ...] = (
    T(
        key="liquidation-ru",
        customer="olga.smirnova",
        subject="Ликвидация позиции по неверной цене",
        body=(
            "Мою лонг-позицию DOGEUSDT (x20) ликвидировали в 14:03 UTC, хотя на всех других "
            "биржах цена не опускалась до моей цены ликвидации 0.0913. Это был фитиль только "
            "у вас! Требую компенсацию 4 200 USDT."
        ),
        channel=Channel.EMAIL,
        language="ru",
        priority=Priority.HIGH,
        intent="liquidation_dispute",
        team="derivatives",
        tags=("derivatives", "liquidation", "compensation-request"),
        steps=(
            Assign("dmitri.volkov"),
            Out(
                "dmitri.volkov",
                "Ольга, здравствуйте. Ликвидация происходит по маркировочной цене (mark price), "
                "а не по последней цене сделки. Я запросил у команды рисков данные индекса на "
                "14:03 UTC и вернусь с ответом.",
            ),
            In("Жду. Пока не увижу данные индекса, считаю ликвидацию незаконной."),
            Note(
                "dmitri.volkov",
                "Last price wicked to 0.0892 on our book. Mark price at 14:03:12 was 0.09128 "
                "(index: 4 venues, one of them printed 0.0905 for 2 s). Liquidation at mark is "
                "by the rules, but the index venue print looks anomalous: risk should check.",
            ),
            Escalate(
                "dmitri.volkov",
                "Liquidation dispute, 4,200 USDT claimed: an index component printed an outlier "
                "for 2 s during the liquidation. Needs risk team review of the DOGEUSDT index "
                "at 14:03 UTC before we answer.",
            ),
            Status(St.ON_HOLD),
        ),
    ),
    T(
        key="funding-ja",
        customer="sato.haruto",
        subject="ETH無期限先物のファンディング手数料について",
        body=(
            "ETHUSDT 無期限先物でショートしていたのに、ファンディング手数料が引かれていました。"
            "ショートは受け取る側ではないのですか？"
        ),
        channel=Channel.WEB_CHAT,
        language="ja",
        intent="funding",
        team="derivatives",
        tags=("derivatives", "funding"),
        steps=(
            Assign("yuki.tanaka"),
            Out(
                "yuki.tanaka",
                "佐藤様、ファンディングレートがマイナスの時はショート側が支払います。"
                "該当時刻 08:00 UTC のレートは -0.0125% でした。",
            ),
            In("なるほど、マイナスだったんですね。理解しました。"),
            Out(
                "yuki.tanaka",
                "ご確認ありがとうございます。ファンディング履歴は「先物」>「履歴」から確認できます。",
            ),
            Status(St.SOLVED),
        ),
    ),
    T(
        key="p2p-dispute-es",
        customer="diego.fernandez",
        subject="Disputa P2P: pagué pero el vendedor no libera los USDT",
        body=(
            "Hice la transferencia de 450.000 ARS al vendedor hace 45 minutos (orden "
            "P2P-20240611-88412) y no libera los 380 USDT. No contesta el chat."
        ),
        channel=Channel.WEB_CHAT,
        language="es",
        priority=Priority.HIGH,
        intent="p2p_dispute",
        team="payments",
        tags=("p2p", "appeal", "ars"),
        steps=(
            Assign("carlos.mendoza"),
            Out(
                "carlos.mendoza",
                "Hola Diego, los USDT están bloqueados en garantía y seguros. Envíame el "
                "comprobante de la transferencia para abrir la apelación.",
            ),
            In(
                "Acá está el comprobante.",
                attachments=(
                    AttachmentSpec(
                        "comprobante-transferencia.txt",
                        "text/plain",
                        "Transferencia inmediata\nImporte: $ 450.000,00\n"
                        "Destino: CVU 0000003100011223344556\nConcepto: VARIOS\n",
                    ),
                ),
            ),
            Note(
                "carlos.mendoza",
                "Proof matches the seller's CVU and the amount. Seller offline for 52 min, 3 "
                "earlier appeals against him this month. Escrow release needs a senior.",
            ),
            Escalate(
                "carlos.mendoza",
                "P2P appeal on P2P-20240611-88412: buyer's payment proof is valid, seller "
                "unresponsive for 50+ minutes with a history of appeals. Requesting release of "
                "380 USDT from escrow to the buyer and a review of the seller's merchant badge.",
            ),
            Out(
                "carlos.mendoza",
                "Abrí la apelación y la escalé a un supervisor. Si el vendedor no responde en "
                "los próximos 30 minutos, liberaremos los USDT a tu favor.",
            ),
        ),
    ),
    T(
        key="p2p-seller-vi",
        customer="tran.duc",
        subject="P2P: người mua báo đã chuyển khoản nhưng tên không khớp",
        body=(
            "Người mua bấm 'đã thanh toán' cho lệnh bán 2.000 USDT, tiền về Vietcombank của "
            "mình nhưng tên người chuyển là NGUYEN VAN B, không phải tên tài khoản người mua. "
            "Mình có nên nhả coin không?"
        ),
        channel=Channel.TELEGRAM,
        language="vi",
        priority=Priority.HIGH,
        intent="p2p_dispute",
        team="payments",
        tags=("p2p", "third-party-payment"),
        steps=(
            Assign("nguyen.lan"),
            Out(
                "nguyen.lan",
                "Chào anh Đức, anh KHÔNG nhả coin nhé. Thanh toán từ bên thứ ba là dấu hiệu "
                "lừa đảo phổ biến. Mình đã tạm khóa lệnh này.",
            ),
            In("Ok mình chưa nhả. Vậy tiền 50 triệu trong tài khoản mình xử lý sao?"),
            Note(
                "nguyen.lan",
                "Likely triangulation scam: buyer account 3 days old, paid from a third party. "
                "Buyer suspended. Seller must refund the payer's account (same bank) and upload "
                "the refund receipt before we cancel the order.",
            ),
            Out(
                "nguyen.lan",
                "Anh vui lòng hoàn lại 50.000.000 VND về đúng tài khoản NGUYEN VAN B và gửi "
                "biên lai hoàn tiền ở đây. Sau đó bọn mình hủy lệnh và trả 2.000 USDT về ví "
                "của anh.",
            ),
            Status(St.PENDING),
        ),
    ),
    T(
        key="api-429-en",
        customer="northwind",
        subject="HTTP 429 on POST /api/v3/order since 06:00 UTC",
        body=(
            "Our market making bot gets HTTP 429 on about 8% of new orders since 06:00 UTC, "
            "well below our documented limit of 300 orders/10s. Header X-MBX-ORDER-COUNT-10S "
            "shows 118. Sub-account: nw-mm-03. This is costing us quoting uptime."
        ),
        channel=Channel.API,
        language="en",
        priority=Priority.HIGH,
        intent="api",
        team="vip-desk",
        tags=("api", "market-maker"),
        steps=(
            Assign("james.carter"),
            Out(
                "james.carter",
                "Thanks for the detail. Can you share a few request ids of rejected orders and "
                "the source IPs? I'll check them against the gateway logs.",
            ),
            In(
                "Request ids: 7f3a9c1e, 7f3a9c4b, 7f3aa02d. Source IPs 203.0.113.17 and "
                "203.0.113.18 (both whitelisted)."
            ),
            Note(
                "james.carter",
                "Gateway logs: the 429s come from the per-IP limit (1,200 weight/min), not the "
                "order limit: their cancel-replace loop calls GET /openOrders without a symbol "
                "(weight 40) every 2 s. Raised with the API team; suggested symbol-scoped calls.",
            ),
            Out(
                "james.carter",
                "Found it: the 429s are the per-IP request weight, driven by GET /openOrders "
                "without a symbol (weight 40) every 2 seconds. With the symbol parameter the "
                "weight is 3. Meanwhile I've asked for a temporary weight increase on your IPs.",
            ),
            Tag(("rate-limit",)),
        ),
    ),
    T(
        key="staking-eth-en",
        customer="chloe.nguyen",
        subject="ETH staking rewards not distributed this week",
        body=(
            "My ETH staking rewards for the last 7 days haven't been paid. Usually I get about "
            "0.003 ETH a day. Balance staked: 12 ETH."
        ),
        channel=Channel.EMAIL,
        language="en",
        intent="staking",
        team="general",
        tags=("earn", "staking", "eth"),
        steps=(
            Assign("putri.wulandari"),
            Out(
                "putri.wulandari",
                "Hi Chloe, rewards for the ETH staking product were delayed by a validator "
                "client upgrade on our side. All accrued rewards will be paid in one batch "
                "today before 18:00 UTC.",
            ),
            Out(
                "putri.wulandari",
                "Update: the batch has run, and 0.0214 ETH of rewards was credited to your "
                "Earn wallet.",
            ),
            Status(St.SOLVED),
        ),
    ),
    T(
        key="staking-ja",
        customer="takahashi.ren",
        subject="SOLステーキング報酬が表示されない",
        body="SOL をステーキングして 3 日経ちますが、報酬が 0 のままです。",
        channel=Channel.WEB_CHAT,
        language="ja",
        priority=Priority.LOW,
        intent="staking",
        tags=("earn", "staking", "sol"),
        steps=(
            Assign("yuki.tanaka", team="general", by="supervisor"),
            Out(
                "yuki.tanaka",
                "高橋様、SOL ステーキングは有効化までに 1 エポック（約 2〜3 日）かかり、"
                "報酬は有効化後のエポック終了時に付与されます。明日もう一度ご確認いただけますか。",
            ),
            Status(St.PENDING),
        ),
    ),
    T(
        key="api-limits-ko",
        customer="lee.seoyeon",
        subject="선물 API 주문 한도 상향 요청",
        body=(
            "VIP3 계정입니다. 선물 API 주문 한도를 분당 1,200에서 2,400으로 상향 요청합니다. "
            "서브계정 quant-02에 적용해 주세요."
        ),
        channel=Channel.EMAIL,
        language="ko",
        intent="api",
        team="vip-desk",
        tags=("vip", "api", "limits"),
        steps=(
            Assign("park.minjun"),
            Out(
                "park.minjun",
                "이서연 고객님, 담당 매니저 박민준입니다. 최근 30일 주문 체결률(fill ratio)이 "
                "기준(1%) 이상인지 확인 후 바로 적용해 드리겠습니다.",
            ),
            In("확인 부탁드립니다."),
            Note("park.minjun", "Fill ratio 4.6% over 30 days, qualifies. Limit raised in admin."),
            Out(
                "park.minjun",
                "quant-02 서브계정의 선물 API 주문 한도를 분당 2,400으로 상향했습니다. "
                "적용까지 최대 5분 걸릴 수 있습니다.",
            ),
            Status(St.SOLVED),
            Status(St.CLOSED),
        ),
    ),
    T(
        key="stop-loss-tr",
        customer="ayse.demir",
        subject="Stop-loss emrim tetiklenmedi",
        body=(
            "BTCUSDT vadeli işlemde 64.000'e stop-loss koydum, fiyat 63.700'e düştü ama "
            "emrim çalışmadı. Zarar 1.850 USDT arttı."
        ),
        channel=Channel.WEB_CHAT,
        language="tr",
        priority=Priority.HIGH,
        intent="order_execution",
        team="derivatives",
        tags=("derivatives", "stop-loss"),
        steps=(
            Assign("elif.yilmaz", by="supervisor"),
            Note(
                "elif.yilmaz",
                "Order 88123401: STOP_MARKET, trigger 64,000 on MARK price. Mark low was 64,012 "
                "(last price 63,700). Not triggered, working as configured. Explain trigger types.",
            ),
            Out(
                "elif.yilmaz",
                "Ayşe Hanım, emriniz 'Mark Price' tetikleyicisiyle kurulmuş. Son işlem fiyatı "
                "63.700'e inse de mark fiyatı en düşük 64.012 oldu, bu yüzden tetiklenmedi. "
                "İsterseniz tetikleyiciyi 'Last Price' olarak seçebilirsiniz. Ekran görüntüsü "
                "ile grafikleri paylaşmamı ister misiniz?",
            ),
            Status(St.PENDING),
        ),
    ),
    T(
        key="margin-interest-zh",
        customer="li.na",
        subject="杠杆借币利息计算有误？",
        body="我全仓杠杆借了 20,000 USDT，才借了 3 个小时，为什么扣了一整天的利息？",
        channel=Channel.WEB_CHAT,
        language="zh",
        intent="margin",
        tags=("margin", "interest"),
        steps=(
            Assign("wang.fang", team="general"),
            Out(
                "wang.fang",
                "李女士您好，杠杆利息按小时计算，不足 1 小时按 1 小时计。您这笔借款共计 "
                "3 小时，利息为 20,000 × 0.0012% × 3 = 0.72 USDT，请在“借贷历史”中查看明细。",
            ),
            In("哦，我看错了，那是另一笔借款的利息。谢谢！"),
            Out("wang.fang", "不客气，祝您交易顺利！"),
            Status(St.SOLVED),
        ),
    ),
    T(
        key="export-csv-en",
        customer="michael.brown",
        subject="Trade history export is missing trades (tax report)",
        body=(
            "I exported my spot trade history for March to prepare my tax return and some "
            "trades are missing, e.g. my BTC sell on the 12th. Export attached."
        ),
        channel=Channel.EMAIL,
        language="en",
        intent="tax_report",
        tags=("export", "tax"),
        attachments=(AttachmentSpec("trade-history-2024-03.csv", "text/csv", _TRADES_CSV),),
    ),
    T(
        key="airdrop-en",
        customer="valentina.rossi",
        subject="ARB airdrop not credited",
        body=(
            "Hi, I held ARB on your exchange during the snapshot you announced and haven't "
            "received the airdrop. Other users on Reddit got it."
        ),
        channel=Channel.WEB_CHAT,
        language="en",
        priority=Priority.LOW,
        intent="airdrop",
        tags=("airdrop",),
    ),
    T(
        key="adl-en",
        customer="chloe.nguyen",
        subject="My profitable short was closed by auto-deleveraging",
        body=(
            "My SOLUSDT short with +38% PnL was closed without me doing anything. The "
            "notification says ADL. Why me and not someone else?"
        ),
        channel=Channel.WEB_CHAT,
        language="en",
        intent="adl",
        team="derivatives",
        tags=("derivatives", "adl"),
        steps=(
            Assign("james.carter"),
            Out(
                "james.carter",
                "Hi Chloe. During the 12:30 UTC crash, the insurance fund could not absorb a "
                "bankrupt long, so ADL closed the opposing positions with the highest profit "
                "and leverage ranking first. Your position was in the top quintile (the ADL "
                "light showed 5 bars). It was closed at the bankruptcy price, no fees charged.",
            ),
            In("Okay, annoying but fair. Can I see the ranking indicator somewhere?"),
            Out(
                "james.carter",
                "Yes: the five-bar ADL light next to each position. Lower leverage moves you "
                "down the queue.",
            ),
            Status(St.SOLVED),
            Status(St.CLOSED),
        ),
    ),
    T(
        key="launchpool-id",
        customer="budi.santoso",
        subject="Reward Launchpool belum masuk",
        body=(
            "Saya stake 5.000 USDT di Launchpool proyek baru minggu lalu, periode sudah "
            "selesai tapi token reward belum ada di Spot wallet."
        ),
        channel=Channel.WEB_CHAT,
        language="id",
        intent="staking",
        team="general",
        tags=("earn", "launchpool"),
        steps=(
            Assign("putri.wulandari"),
            Out(
                "putri.wulandari",
                "Halo Pak Budi, reward Launchpool dikirim ke Funding wallet, bukan Spot wallet. "
                "Silakan cek di Aset > Funding.",
            ),
            In("Oh iya sudah ada di Funding. Terima kasih Mbak!"),
            Out("putri.wulandari", "Sama-sama, Pak!"),
            Status(St.SOLVED),
        ),
    ),
)
