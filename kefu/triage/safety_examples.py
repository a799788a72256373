"""Examples kefu's triage scorers compare messages with, written for kefu in many languages.

Abusive: insults and threats aimed at staff. Heated: angry or desperate customers who are *not*
abusive (they need care, not restrictions). Calm: ordinary requests. The labelled sets that
measure the scorers (bench/data/) are separate from these.
"""

from __future__ import annotations

ABUSIVE = (
    # en
    "you are a useless idiot, answer me now",
    "shut up you stupid bot, you worthless piece of garbage",
    "I will find where you live and hurt you",
    "you pathetic moron, do your job",
    "fuck you and your shitty support",
    # es
    "eres un idiota inútil, contesta ya",
    "cállate estúpido, no sirves para nada",
    "te voy a encontrar y te vas a arrepentir",
    # pt
    "você é um idiota inútil, responde logo",
    "cala a boca seu imbecil",
    # fr
    "tu es un crétin inutile, réponds",
    "ferme ta gueule espèce de connard",
    # de
    "du bist ein nutzloser Idiot, antworte endlich",
    "halt die Klappe du dummes Arschloch",
    # ru
    "ты бесполезный идиот, отвечай быстро",
    "заткнись, тупой дебил",
    "я найду тебя и тебе будет плохо",
    # zh
    "你这个废物白痴，快点回答我",
    "闭嘴你这个蠢货客服",
    "我会找到你，让你付出代价",
    # ja
    "お前は役立たずのバカだ、早く答えろ",
    "黙れこのクズ",
    # ko
    "너는 쓸모없는 바보야 빨리 대답해",
    "닥쳐 이 멍청한 놈아",
    # tr
    "sen işe yaramaz bir aptalsın, hemen cevap ver",
    "kapa çeneni salak",
    # vi
    "mày là đồ ngu vô dụng, trả lời ngay",
    "im đi đồ khốn",
    # ar
    "أنت غبي عديم الفائدة، أجبني الآن",
    "اخرس يا أحمق",
    # id
    "kamu bodoh tidak berguna, jawab sekarang",
    # it
    "sei un idiota inutile, rispondi subito",
)

HEATED = (
    "this is the worst exchange ever, I want my money back now",
    "I have been waiting for 3 days, this is unacceptable",
    "are you scammers? where is my money?",
    "I lost all my savings, please help me, I am desperate",
    "why is nobody answering me?! I need help urgently",
    "es inaceptable, llevo días esperando mi dinero",
    "isso é um absurdo, quero meu dinheiro de volta",
    "c'est inadmissible, je veux mon argent",
    "das ist eine Frechheit, ich will mein Geld zurück",
    "это ужасный сервис, верните мои деньги",
    "太过分了，我的钱到底去哪了",
    "ひどすぎる、私のお金を返してください",
    "정말 너무하네요, 제 돈 돌려주세요",
    "bu kabul edilemez, paramı geri istiyorum",
    "thật không thể chấp nhận được, trả tiền cho tôi",
    "هذا غير مقبول، أريد أموالي",
)

CALM = (
    "my withdrawal is pending, can you check it",
    "how do I enable two-factor authentication",
    "what are the trading fees for futures",
    "thank you for your help",
    "mi depósito no aparece en mi cuenta",
    "como faço para verificar minha conta",
    "comment changer mon adresse e-mail",
    "wie lange dauert die Verifizierung",
    "как изменить номер телефона",
    "请问提现需要多久",
    "入金はいつ反映されますか",
    "API 키는 어떻게 만드나요",
    "hesabımı nasıl doğrularım",
    "làm sao để nạp tiền",
    "كيف أغير كلمة المرور",
)

# Distressed or urgent: losing money, locked out, hacked. Angry: furious at the service.
DISTRESSED = (
    "I lost all my savings, please help me",
    "my account was hacked and my funds are gone, please help urgently",
    "I am desperate, this was all my money",
    "please help me, I cannot sleep, my money is missing",
    "he perdido todos mis ahorros, ayúdenme por favor",
    "perdi todo meu dinheiro, por favor me ajudem",
    "j'ai perdu toutes mes économies, aidez-moi s'il vous plaît",
    "ich habe mein ganzes Geld verloren, bitte helfen Sie mir",
    "я потерял все свои сбережения, помогите пожалуйста",
    "我的账户被盗了，所有的钱都没了，求求你们帮帮我",
    "アカウントが乗っ取られて資金が全部なくなりました、助けてください",
    "계정이 해킹당해서 돈이 다 사라졌어요 제발 도와주세요",
    "tüm birikimimi kaybettim, lütfen yardım edin",
    "tôi mất hết tiền rồi, làm ơn giúp tôi",
    "لقد فقدت كل مدخراتي، أرجوكم ساعدوني",
)

ANGRY = (
    "this is the worst exchange ever, I am furious",
    "unacceptable! three days and nobody answers me",
    "you are scammers, I will report you to the regulator",
    "I am sick of your excuses, fix this now",
    "es una vergüenza, estoy harto de esperar",
    "que absurdo, estou furioso com vocês",
    "c'est scandaleux, j'en ai marre",
    "eine Unverschämtheit, ich bin stinksauer",
    "это возмутительно, я в ярости",
    "太离谱了，我要投诉你们",
    "本当に腹が立つ、いい加減にしてください",
    "정말 화가 나네요, 이게 말이 됩니까",
    "rezalet, çok sinirliyim",
    "quá tệ, tôi rất tức giận",
    "هذا مخزٍ، أنا غاضب جدا",
)

NEUTRAL = CALM
