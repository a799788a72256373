"""The demo desk of a mid-sized crypto exchange: teams, staff, customers and (in the
`tickets_*` modules) their conversations."""

from __future__ import annotations

from kefu.demo import tickets_account, tickets_funds, tickets_trading
from kefu.demo.spec import AgentSpec, CustomerSpec, TeamSpec, TicketSpec, demo_email
from kefu.domain.enums import AgentStatus, Role, Tier
from kefu.domain.official import ChannelKind

ADMIN_PASSWORD = "kefu-demo-admin"
SUPERVISOR_PASSWORD = "kefu-demo-supervisor"
AGENT_PASSWORD = "kefu-demo-agent"
ADMIN_EMAIL = demo_email("admin")

TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("general", "General", "First line: account questions, how-tos, anything untriaged."),
    TeamSpec(
        "security",
        "Security",
        "Account takeovers, 2FA resets, phishing reports, withdrawal risk reviews and KYC.",
    ),
    TeamSpec(
        "payments",
        "Payments",
        "Crypto deposits and withdrawals, fiat rails (SEPA, PIX, bank transfer), card purchases.",
    ),
    TeamSpec(
        "derivatives",
        "Derivatives",
        "Perpetuals and futures: liquidations, funding, ADL, margin; API trading issues.",
    ),
    TeamSpec(
        "vip-desk",
        "VIP Desk",
        "Account managers for VIP 2-3 clients, market makers and institutions.",
    ),
)

_CAP_CHAT = {"chat": 4, "email": 15, "phone": 1}
_CAP_EMAIL = {"chat": 2, "email": 25, "phone": 0}
_CAP_VIP = {"chat": 3, "email": 10, "phone": 3}

STAFF: tuple[AgentSpec, ...] = (
    AgentSpec(
        "admin",
        "Hannah Weber",
        ADMIN_PASSWORD,
        role=Role.ADMIN,
        languages=("en", "de"),
        skills=("administration", "reporting"),
        teams=(),
        capacity={"chat": 0, "email": 5, "phone": 0},
        timezone="Europe/Berlin",
        status=AgentStatus.ONLINE,
    ),
    AgentSpec(
        "supervisor",
        "Li Ming (李明)",
        SUPERVISOR_PASSWORD,
        role=Role.SUPERVISOR,
        languages=("en", "zh"),
        skills=("escalations", "security", "withdrawals", "derivatives"),
        teams=("general", "security", "payments", "derivatives", "vip-desk"),
        capacity={"chat": 2, "email": 10, "phone": 2},
        timezone="Asia/Singapore",
        status=AgentStatus.ONLINE,
    ),
    AgentSpec(
        "wang.fang",
        "Wang Fang (王芳)",
        AGENT_PASSWORD,
        languages=("zh", "en"),
        skills=("deposits", "withdrawals", "margin", "account"),
        teams=("general", "payments"),
        capacity=_CAP_CHAT,
        timezone="Asia/Shanghai",
        status=AgentStatus.ONLINE,
    ),
    AgentSpec(
        "carlos.mendoza",
        "Carlos Mendoza",
        AGENT_PASSWORD,
        languages=("es", "pt", "en"),
        skills=("p2p", "deposits", "fiat"),
        teams=("general", "payments"),
        capacity=_CAP_CHAT,
        timezone="America/Mexico_City",
        status=AgentStatus.ONLINE,
    ),
    AgentSpec(
        "yuki.tanaka",
        "Tanaka Yuki (田中由紀)",
        AGENT_PASSWORD,
        languages=("ja", "en"),
        skills=("derivatives", "staking", "api"),
        teams=("derivatives",),
        capacity=_CAP_CHAT,
        timezone="Asia/Tokyo",
        status=AgentStatus.AWAY,
    ),
    AgentSpec(
        "park.minjun",
        "Park Min-jun (박민준)",
        AGENT_PASSWORD,
        languages=("ko", "en"),
        skills=("security", "2fa", "derivatives", "api"),
        teams=("security", "derivatives"),
        capacity=_CAP_CHAT,
        timezone="Asia/Seoul",
        status=AgentStatus.ONLINE,
    ),
    AgentSpec(
        "dmitri.volkov",
        "Dmitri Volkov (Дмитрий Волков)",
        AGENT_PASSWORD,
        languages=("ru", "uk", "en"),
        skills=("security", "withdrawals", "derivatives", "kyc"),
        teams=("security", "derivatives"),
        capacity=_CAP_EMAIL,
        timezone="Europe/Tallinn",
        status=AgentStatus.ONLINE,
    ),
    AgentSpec(
        "elif.yilmaz",
        "Elif Yılmaz",
        AGENT_PASSWORD,
        languages=("tr", "en"),
        skills=("deposits", "kyc", "cards", "derivatives"),
        teams=("general", "payments"),
        capacity=_CAP_CHAT,
        timezone="Europe/Istanbul",
        status=AgentStatus.ONLINE,
    ),
    AgentSpec(
        "nguyen.lan",
        "Nguyễn Thị Lan",
        AGENT_PASSWORD,
        languages=("vi", "en"),
        skills=("p2p", "deposits", "account"),
        teams=("general", "payments"),
        capacity=_CAP_CHAT,
        timezone="Asia/Ho_Chi_Minh",
        status=AgentStatus.AWAY,
    ),
    AgentSpec(
        "ana.souza",
        "Ana Souza",
        AGENT_PASSWORD,
        languages=("pt", "es", "en"),
        skills=("fiat", "withdrawals", "convert"),
        teams=("payments",),
        capacity=_CAP_EMAIL,
        timezone="America/Sao_Paulo",
        status=AgentStatus.OFFLINE,
    ),
    AgentSpec(
        "camille.dubois",
        "Camille Dubois",
        AGENT_PASSWORD,
        languages=("fr", "en"),
        skills=("kyc", "compliance", "withdrawals"),
        teams=("general", "security"),
        capacity=_CAP_EMAIL,
        timezone="Europe/Paris",
        status=AgentStatus.ONLINE,
    ),
    AgentSpec(
        "omar.haddad",
        "Omar Haddad (عمر حداد)",
        AGENT_PASSWORD,
        languages=("ar", "en", "fr"),
        skills=("vip", "kyc", "withdrawals", "otc"),
        teams=("vip-desk", "general"),
        capacity=_CAP_VIP,
        timezone="Asia/Dubai",
        status=AgentStatus.ONLINE,
    ),
    AgentSpec(
        "putri.wulandari",
        "Putri Wulandari",
        AGENT_PASSWORD,
        languages=("id", "en"),
        skills=("deposits", "staking", "kyc", "fiat"),
        teams=("general", "payments"),
        capacity=_CAP_CHAT,
        timezone="Asia/Jakarta",
        status=AgentStatus.OFFLINE,
    ),
    AgentSpec(
        "james.carter",
        "James Carter",
        AGENT_PASSWORD,
        languages=("en",),
        skills=("api", "market-making", "vip", "derivatives", "reporting"),
        teams=("vip-desk", "derivatives"),
        capacity=_CAP_VIP,
        timezone="Europe/London",
        status=AgentStatus.ONLINE,
    ),
)

C = CustomerSpec
S, V1, V2, V3 = Tier.STANDARD, Tier.VIP1, Tier.VIP2, Tier.VIP3

CUSTOMERS: tuple[CustomerSpec, ...] = (
    C("zhang.wei", "Zhang Wei 张伟", "38102274", S, "zh", "HK", 2,
      identities=(("email", "zhangwei.hk@example.com"), ("telegram", "zw_trader88"))),
    C("li.na", "Li Na 李娜", "40577128", V1, "zh", "SG", 2,
      identities=(("email", "lina.sg@example.com"),)),
    C("chen.yuting", "Chen Yu-ting 陳宥廷", "38120045", S, "zh", "TW", 2,
      identities=(("phone", "+886 912 345 678"),)),
    C("maria.garcia", "María García", "51230091", S, "es", "ES", 1,
      identities=(("email", "maria.garcia@example.es"),)),
    C("diego.fernandez", "Diego Fernández", "51388410", V1, "es", "AR", 2,
      flags=("p2p_buyer",),
      identities=(("phone", "+54 9 11 5555 0142"), ("email", "diegof@example.com.ar"))),
    C("sato.haruto", "Sato Haruto 佐藤陽翔", "29871654", V2, "ja", "JP", 3,
      flags=("futures_enabled",), identities=(("email", "h.sato@example.jp"),)),
    C("takahashi.ren", "Takahashi Ren 高橋蓮", "29875530", S, "ja", "JP", 2,
      identities=(("email", "ren.takahashi@example.jp"),)),
    C("kim.jiwoo", "Kim Ji-woo 김지우", "30118822", S, "ko", "KR", 2,
      identities=(("phone", "+82 10 5555 0198"),)),
    C("lee.seoyeon", "Lee Seo-yeon 이서연", "30122209", V3, "ko", "KR", 3,
      flags=("api_user", "futures_enabled"), account_manager="park.minjun",
      identities=(("email", "seoyeon.lee@example.kr"), ("telegram", "sy_lee_quant"))),
    C("ivan.petrov", "Ivan Petrov Иван Петров", "45120973", S, "ru", "KZ", 1,
      identities=(("telegram", "ivan_petrov_kz"),)),
    C("olga.smirnova", "Olga Smirnova Ольга Смирнова", "46003311", V1, "ru", "GE", 2,
      flags=("futures_enabled",), identities=(("email", "olga.smirnova@example.ge"),)),
    C("nikolai.sokolov", "Nikolai Sokolov", "45133380", S, "ru", "RS", 1,
      flags=("frozen", "withdrawal_lock"),
      identities=(("email", "n.sokolov@example.rs"), ("telegram", "nsokolov"))),
    C("mehmet.kaya", "Mehmet Kaya", "47788120", S, "tr", "TR", 1,
      identities=(("phone", "+90 532 555 0147"),)),
    C("ayse.demir", "Ayşe Demir", "47790456", V2, "tr", "TR", 3,
      flags=("futures_enabled",), identities=(("email", "ayse.demir@example.com.tr"),)),
    C("tran.duc", "Trần Minh Đức", "52214407", S, "vi", "VN", 1,
      flags=("p2p_merchant",), identities=(("telegram", "ducmt_p2p"),)),
    C("pham.ha", "Phạm Thu Hà", "52217733", S, "vi", "VN", 0,
      identities=(("email", "thuha.pham@example.vn"),)),
    C("joao.oliveira", "João Oliveira", "53380019", S, "pt", "BR", 2,
      identities=(("phone", "+55 11 95555 0173"),)),
    C("beatriz.santos", "Beatriz Santos", "53381277", V1, "pt", "PT", 2,
      identities=(("email", "beatriz.santos@example.pt"),)),
    C("lucas.martin", "Lucas Martin", "54460082", S, "fr", "FR", 2,
      identities=(("email", "lucas.martin@example.fr"),)),
    C("aminata.diallo", "Aminata Diallo", "54462391", S, "fr", "SN", 1,
      identities=(("email", "aminata.diallo@example.sn"),)),
    C("youssef.alamin", "Youssef Al-Amin يوسف الأمين", "55510064", V3, "ar", "AE", 3,
      flags=("high_net_worth", "otc"), account_manager="omar.haddad",
      identities=(("email", "y.alamin@example.ae"), ("phone", "+971 50 555 0110"))),
    C("fatima.zahra", "Fatima Zahra فاطمة الزهراء", "55519920", S, "ar", "MA", 1,
      identities=(("email", "fatimazahra@example.ma"),)),
    C("budi.santoso", "Budi Santoso", "56601187", S, "id", "ID", 2,
      identities=(("phone", "+62 812 5555 0136"),)),
    C("siti.rahmawati", "Siti Rahmawati", "56608845", S, "id", "ID", 0,
      identities=(("email", "siti.rahma@example.co.id"),)),
    C("emily.johnson", "Emily Johnson", "37004412", S, "en", "GB", 2,
      identities=(("email", "emily.j@example.co.uk"),)),
    C("michael.brown", "Michael Brown", "37005590", V1, "en", "AU", 2,
      identities=(("email", "mbrown@example.com.au"),)),
    C("northwind", "Northwind Capital Pte. Ltd.", "37009931", V3, "en", "SG", 3,
      flags=("institution", "market_maker", "api_user"), account_manager="james.carter",
      identities=(("email", "desk@northwind-capital.example"),)),
    C("raj.patel", "Raj Patel", "37012208", S, "en", "IN", 1,
      identities=(("email", "raj.patel@example.in"), ("x", "rajpatel_crypto"))),
    C("chloe.nguyen", "Chloe Nguyen", "37015543", V2, "en", "CA", 3,
      flags=("futures_enabled",), identities=(("email", "chloe.nguyen@example.ca"),)),
    C("valentina.rossi", "Valentina Rossi", "51390027", S, "en", "IT", 1,
      identities=(("email", "vale.rossi@example.it"),)),
    # Someone without an exchange account yet: known only by email.
    C("prospect", "Tomasz Nowak", None, S, "en", "PL", 0,
      identities=(("email", "t.nowak@bluefin-trading.example"),)),
)  # fmt: skip

TICKETS: tuple[TicketSpec, ...] = (
    *tickets_funds.TICKETS,
    *tickets_account.TICKETS,
    *tickets_trading.TICKETS,
)


# The demo exchange's official channels (reserved .example names, a drama-range phone number):
# the verify page and the lookalike warning check against these; the phishing-en ticket's
# @kefuX_Support_Help imitates the X account.
OFFICIAL_CHANNELS: tuple[tuple[ChannelKind, str, str], ...] = (
    (ChannelKind.DOMAIN, "kefux.example", "Website and app"),
    (ChannelKind.EMAIL, "support@kefux.example", "Support email"),
    (ChannelKind.EMAIL, "no-reply@kefux.example", "Notifications"),
    (ChannelKind.PHONE, "+44 20 7946 0321", "Phone support (24/7)"),
    (ChannelKind.TELEGRAM, "@kefux_support", "Telegram support"),
    (ChannelKind.X, "@kefuX_Support", "Support on X"),
    (ChannelKind.FACEBOOK, "kefuxofficial", "Facebook page"),
)
