# ruff: noqa: E501
"""A small sourcing phrasebook: parallel English, Spanish, Chinese and Japanese.

It is the training data of the tiny test translation models (``translation.tiny``)
and doubles as the list of sentences those models reproduce. The fragments at the
end are the prose pieces left around protected spans (codes, prices, e-mails), so
that sentences such as "El precio es $12.50 por unidad." translate end to end.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class Entry(NamedTuple):
    en: str
    es: str
    zh: str
    ja: str


LANGUAGES: Final = ("en", "es", "zh", "ja")

# fmt: off
SENTENCES: Final[tuple[Entry, ...]] = (
    Entry("Hello.", "Hola.", "你好。", "こんにちは。"),
    Entry("Good morning.", "Buenos días.", "早上好。", "おはようございます。"),
    Entry("Thank you.", "Gracias.", "谢谢。", "ありがとうございます。"),
    Entry("Thank you very much for your quick reply.", "Muchas gracias por su rápida respuesta.", "非常感谢您的快速回复。", "迅速なご返信をありがとうございます。"),
    Entry("You are welcome.", "De nada.", "不客气。", "どういたしまして。"),
    Entry("Nice to meet you.", "Mucho gusto.", "很高兴认识您。", "はじめまして。"),
    Entry("How can I help you?", "¿En qué puedo ayudarle?", "有什么可以帮您的？", "何かお手伝いできますか？"),
    Entry("I am interested in your products.", "Estoy interesado en sus productos.", "我对你们的产品感兴趣。", "御社の製品に興味があります。"),
    Entry("Please send me your catalog.", "Por favor, envíeme su catálogo.", "请把你们的产品目录发给我。", "カタログを送ってください。"),
    Entry("Do you have this product in stock?", "¿Tiene este producto en stock?", "这个产品有现货吗？", "この製品の在庫はありますか？"),
    Entry("Yes, we have it in stock.", "Sí, lo tenemos en stock.", "是的，我们有现货。", "はい、在庫があります。"),
    Entry("Sorry, this item is out of stock.", "Lo siento, este artículo está agotado.", "抱歉，这个产品缺货了。", "申し訳ありませんが、この商品は在庫切れです。"),
    Entry("I will check and get back to you.", "Lo compruebo y le respondo.", "我查一下再回复您。", "確認してご連絡します。"),
    Entry("Please wait a moment.", "Por favor, espere un momento.", "请稍等。", "少々お待ちください。"),
    Entry("Have a nice day.", "Que tenga un buen día.", "祝您有美好的一天。", "よい一日を。"),
    Entry("What is the minimum order quantity?", "¿Cuál es la cantidad mínima de pedido?", "最小起订量是多少？", "最小注文数量はいくつですか？"),
    Entry("Can you lower the minimum order quantity?", "¿Pueden reducir la cantidad mínima de pedido?", "可以降低最小起订量吗？", "最小注文数量を下げられますか？"),
    Entry("The minimum order quantity is five hundred pieces.", "La cantidad mínima de pedido es de quinientas piezas.", "最小起订量是五百件。", "最小注文数量は五百個です。"),
    Entry("We can accept a smaller order the first time.", "Podemos aceptar un pedido más pequeño la primera vez.", "首次订单我们可以接受较小的数量。", "初回は少量の注文も受け付けます。"),
    Entry("Is there a discount for large orders?", "¿Hay descuento para pedidos grandes?", "大订单有折扣吗？", "大口注文には割引がありますか？"),
    Entry("What is the price?", "¿Cuál es el precio?", "价格是多少？", "価格はいくらですか？"),
    Entry("What is the unit price?", "¿Cuál es el precio unitario?", "单价是多少？", "単価はいくらですか？"),
    Entry("The price is too high.", "El precio es demasiado alto.", "价格太高了。", "価格が高すぎます。"),
    Entry("Can you give me a better price?", "¿Me puede dar un mejor precio?", "能给我一个更好的价格吗？", "もう少し安くできますか？"),
    Entry("This is our best price.", "Este es nuestro mejor precio.", "这是我们的最低价。", "これが弊社の最安値です。"),
    Entry("The price includes shipping.", "El precio incluye el envío.", "价格包含运费。", "価格には送料が含まれています。"),
    Entry("The price does not include shipping.", "El precio no incluye el envío.", "价格不包含运费。", "価格には送料が含まれていません。"),
    Entry("Please send me a quotation.", "Por favor, envíeme una cotización.", "请给我发一份报价单。", "見積書を送ってください。"),
    Entry("The price depends on the quantity.", "El precio depende de la cantidad.", "价格取决于数量。", "価格は数量によって異なります。"),
    Entry("Is this price FOB or CIF?", "¿Este precio es FOB o CIF?", "这个价格是FOB还是CIF？", "この価格はFOBですか、CIFですか？"),
    Entry("Can I get a sample?", "¿Puedo obtener una muestra?", "我可以要一个样品吗？", "サンプルをもらえますか？"),
    Entry("Is the sample free?", "¿La muestra es gratis?", "样品是免费的吗？", "サンプルは無料ですか？"),
    Entry("The sample is free, but you pay for shipping.", "La muestra es gratis, pero usted paga el envío.", "样品免费，但运费由您支付。", "サンプルは無料ですが、送料はご負担ください。"),
    Entry("How long does it take to make a sample?", "¿Cuánto tiempo se tarda en hacer una muestra?", "做样品需要多长时间？", "サンプルの製作にはどのくらいかかりますか？"),
    Entry("We will send the sample tomorrow.", "Enviaremos la muestra mañana.", "我们明天寄出样品。", "明日サンプルを発送します。"),
    Entry("I received the sample.", "Recibí la muestra.", "我收到样品了。", "サンプルを受け取りました。"),
    Entry("The sample quality is very good.", "La calidad de la muestra es muy buena.", "样品质量非常好。", "サンプルの品質はとても良いです。"),
    Entry("What is the delivery time?", "¿Cuál es el plazo de entrega?", "交货期是多久？", "納期はどのくらいですか？"),
    Entry("Delivery takes about two weeks.", "La entrega tarda unas dos semanas.", "交货大约需要两周。", "納品には約二週間かかります。"),
    Entry("Can you deliver before the end of the month?", "¿Pueden entregar antes de fin de mes?", "你们能在月底前交货吗？", "月末までに納品できますか？"),
    Entry("When will you ship my order?", "¿Cuándo enviarán mi pedido?", "我的订单什么时候发货？", "注文はいつ発送されますか？"),
    Entry("Your order has been shipped.", "Su pedido ha sido enviado.", "您的订单已经发货了。", "ご注文の商品は発送されました。"),
    Entry("Please send me the tracking number.", "Por favor, envíeme el número de seguimiento.", "请把物流单号发给我。", "追跡番号を送ってください。"),
    Entry("Do you ship by sea or by air?", "¿Envían por mar o por avión?", "你们走海运还是空运？", "船便ですか、航空便ですか？"),
    Entry("Shipping by sea is cheaper.", "El envío por mar es más barato.", "海运更便宜。", "船便の方が安いです。"),
    Entry("Shipping by air is faster.", "El envío por avión es más rápido.", "空运更快。", "航空便の方が速いです。"),
    Entry("Which port do you ship from?", "¿Desde qué puerto envían?", "你们从哪个港口发货？", "どの港から出荷しますか？"),
    Entry("What payment methods do you accept?", "¿Qué métodos de pago aceptan?", "你们接受哪些付款方式？", "どの支払い方法に対応していますか？"),
    Entry("We accept bank transfer and PayPal.", "Aceptamos transferencia bancaria y PayPal.", "我们接受银行转账和PayPal。", "銀行振込とPayPalに対応しています。"),
    Entry("We need a thirty percent deposit.", "Necesitamos un depósito del treinta por ciento.", "我们需要百分之三十的定金。", "三十パーセントの前金が必要です。"),
    Entry("The balance is paid before shipment.", "El saldo se paga antes del envío.", "余款在发货前支付。", "残金は出荷前にお支払いください。"),
    Entry("I have made the payment.", "Ya he realizado el pago.", "我已经付款了。", "支払いを済ませました。"),
    Entry("We have received your payment.", "Hemos recibido su pago.", "我们已收到您的付款。", "お支払いを確認しました。"),
    Entry("Please send me the invoice.", "Por favor, envíeme la factura.", "请把发票发给我。", "請求書を送ってください。"),
    Entry("What colors are available?", "¿Qué colores están disponibles?", "有哪些颜色可选？", "どんな色がありますか？"),
    Entry("We have red, blue, black and white.", "Tenemos rojo, azul, negro y blanco.", "我们有红色、蓝色、黑色和白色。", "赤、青、黒、白があります。"),
    Entry("Can you make it in green?", "¿Pueden hacerlo en verde?", "可以做绿色的吗？", "緑色で作れますか？"),
    Entry("I would like the black one.", "Quisiera el negro.", "我想要黑色的。", "黒いのが欲しいです。"),
    Entry("The color is different from the picture.", "El color es diferente de la foto.", "颜色和图片不一样。", "色が写真と違います。"),
    Entry("Can you send me a color chart?", "¿Me puede enviar una carta de colores?", "可以发给我色卡吗？", "カラーチャートを送ってもらえますか？"),
    Entry("What material is this made of?", "¿De qué material está hecho?", "这是什么材料做的？", "これは何の素材でできていますか？"),
    Entry("It is made of stainless steel.", "Está hecho de acero inoxidable.", "这是不锈钢做的。", "ステンレス製です。"),
    Entry("It is made of cotton.", "Está hecho de algodón.", "这是棉做的。", "綿でできています。"),
    Entry("It is made of plastic.", "Está hecho de plástico.", "这是塑料做的。", "プラスチック製です。"),
    Entry("It is made of leather.", "Está hecho de cuero.", "这是皮革做的。", "革製です。"),
    Entry("Is the material eco-friendly?", "¿El material es ecológico?", "这个材料环保吗？", "この素材は環境に優しいですか？"),
    Entry("The material is of high quality.", "El material es de alta calidad.", "材料质量很高。", "素材は高品質です。"),
    Entry("Can you print our logo on the product?", "¿Pueden imprimir nuestro logo en el producto?", "可以在产品上印我们的标志吗？", "製品にロゴを印刷できますか？"),
    Entry("Yes, we accept custom orders.", "Sí, aceptamos pedidos personalizados.", "是的，我们接受定制订单。", "はい、カスタム注文を受け付けています。"),
    Entry("How is the product packed?", "¿Cómo se embala el producto?", "产品是怎么包装的？", "製品はどのように梱包されていますか？"),
    Entry("Each piece is packed in a plastic bag.", "Cada pieza se embala en una bolsa de plástico.", "每件用塑料袋包装。", "一つずつビニール袋に梱包されています。"),
    Entry("Can we use our own packaging?", "¿Podemos usar nuestro propio embalaje?", "我们可以用自己的包装吗？", "自社の包装を使えますか？"),
    Entry("What size is the carton?", "¿De qué tamaño es la caja?", "纸箱尺寸是多少？", "段ボールのサイズはどのくらいですか？"),
    Entry("Do you have a quality certificate?", "¿Tienen un certificado de calidad?", "你们有质量证书吗？", "品質証明書はありますか？"),
    Entry("Our factory is certified.", "Nuestra fábrica está certificada.", "我们的工厂已通过认证。", "弊社の工場は認証を受けています。"),
    Entry("Can we visit your factory?", "¿Podemos visitar su fábrica?", "我们可以参观你们的工厂吗？", "御社の工場を見学できますか？"),
    Entry("We inspect every product before shipment.", "Inspeccionamos cada producto antes del envío.", "我们在发货前检查每件产品。", "出荷前にすべての製品を検査します。"),
    Entry("Some products arrived damaged.", "Algunos productos llegaron dañados.", "有些产品到货时已损坏。", "一部の製品が破損して届きました。"),
    Entry("Please send us photos of the damage.", "Por favor, envíenos fotos de los daños.", "请发给我们损坏的照片。", "破損の写真を送ってください。"),
    Entry("We will send you a replacement.", "Le enviaremos un reemplazo.", "我们会给您补发。", "代替品をお送りします。"),
    Entry("What is the warranty period?", "¿Cuál es el período de garantía?", "保修期是多久？", "保証期間はどのくらいですか？"),
    Entry("The warranty is one year.", "La garantía es de un año.", "保修期为一年。", "保証期間は一年です。"),
    Entry("I want to place an order.", "Quiero hacer un pedido.", "我想下单。", "注文したいです。"),
    Entry("Please confirm the order.", "Por favor, confirme el pedido.", "请确认订单。", "注文を確認してください。"),
    Entry("The order is confirmed.", "El pedido está confirmado.", "订单已确认。", "注文が確定しました。"),
    Entry("Can I change my order?", "¿Puedo cambiar mi pedido?", "我可以修改订单吗？", "注文を変更できますか？"),
    Entry("Please send me the contract.", "Por favor, envíeme el contrato.", "请把合同发给我。", "契約書を送ってください。"),
    Entry("Let us discuss the details.", "Hablemos de los detalles.", "我们来谈谈细节吧。", "詳細について話しましょう。"),
    Entry("I need more information about this product.", "Necesito más información sobre este producto.", "我需要这个产品的更多信息。", "この製品についてもっと情報が必要です。"),
    Entry("Are you a manufacturer or a trading company?", "¿Son fabricantes o una empresa comercial?", "你们是工厂还是贸易公司？", "御社はメーカーですか、商社ですか？"),
    Entry("We are a manufacturer.", "Somos fabricantes.", "我们是生产厂家。", "弊社はメーカーです。"),
    Entry("Where is your factory?", "¿Dónde está su fábrica?", "你们的工厂在哪里？", "工場はどこにありますか？"),
    Entry("Our factory is in Guangzhou.", "Nuestra fábrica está en Guangzhou.", "我们的工厂在广州。", "弊社の工場は広州にあります。"),
    Entry("What is the size?", "¿Cuál es el tamaño?", "尺寸是多少？", "サイズはいくつですか？"),
    Entry("What is the weight?", "¿Cuál es el peso?", "重量是多少？", "重さはどのくらいですか？"),
    Entry("Do you offer free shipping?", "¿Ofrecen envío gratis?", "你们包邮吗？", "送料無料ですか？"),
    Entry("How many pieces are in one carton?", "¿Cuántas piezas hay en una caja?", "一箱有多少件？", "一箱に何個入っていますか？"),
    Entry("We look forward to working with you.", "Esperamos trabajar con usted.", "期待与您合作。", "一緒にお仕事できることを楽しみにしています。"),
    Entry("Please contact me by email.", "Por favor, contácteme por correo electrónico.", "请通过电子邮件联系我。", "メールでご連絡ください。"),
    Entry("I will place a larger order next month.", "El próximo mes haré un pedido más grande.", "下个月我会下一个更大的订单。", "来月、もっと大きな注文をします。"),
)

# Prose left between protected spans, e.g. "El precio es" | "$12.50" | "por unidad."
FRAGMENTS: Final[tuple[Entry, ...]] = (
    Entry("The model", "El modelo", "型号", "型番"),
    Entry("is available.", "está disponible.", "有货。", "は在庫があります。"),
    Entry("The price is", "El precio es", "价格是", "価格は"),
    Entry("per unit.", "por unidad.", "每件。", "1個あたりです。"),
    Entry("Write to us at", "Escríbanos a", "请发邮件至", "連絡先"),
    Entry("or visit", "o visite", "或访问", "またはサイト"),
    Entry("We have", "Tenemos", "我们有", "在庫"),
    Entry("of", "de", "的", "の"),
    Entry("in stock.", "en stock.", "现货。", "があります。"),
    Entry("The box measures", "La caja mide", "箱子尺寸为", "箱のサイズは"),
    Entry("and weighs", "y pesa", "重量为", "重さは"),
)

# Short product queries, as buyers type them into search (catalog objects and colours).
PRODUCT_QUERIES: Final[tuple[Entry, ...]] = (
    Entry("red mug", "taza roja", "红色马克杯", "赤いマグカップ"),
    Entry("red striped mug", "taza roja a rayas", "红色条纹马克杯", "赤いストライプのマグカップ"),
    Entry("blue chair", "silla azul", "蓝色椅子", "青い椅子"),
    Entry("green bottle", "botella verde", "绿色瓶子", "緑のボトル"),
    Entry("yellow lamp", "lámpara amarilla", "黄色台灯", "黄色いランプ"),
    Entry("black shoe", "zapato negro", "黑色鞋子", "黒い靴"),
    Entry("white vase", "jarrón blanco", "白色花瓶", "白い花瓶"),
    Entry("brown table", "mesa marrón", "棕色桌子", "茶色のテーブル"),
    Entry("pink bag", "bolso rosa", "粉色包", "ピンクのバッグ"),
    Entry("orange umbrella", "paraguas naranja", "橙色雨伞", "オレンジ色の傘"),
    Entry("purple clock", "reloj morado", "紫色时钟", "紫の時計"),
    Entry("blue t-shirt", "camiseta azul", "蓝色T恤", "青いTシャツ"),
    Entry("green bowl", "cuenco verde", "绿色碗", "緑のボウル"),
)

# fmt: on

ENTRIES: Final[tuple[Entry, ...]] = SENTENCES + FRAGMENTS + PRODUCT_QUERIES


def parallel(source: str, target: str) -> list[tuple[str, str]]:
    """Return (source, target) sentence pairs for two of ``LANGUAGES``."""
    for code in (source, target):
        if code not in LANGUAGES:
            raise ValueError(f"The phrasebook has no {code!r}; it has {', '.join(LANGUAGES)}.")
    return [(getattr(e, source), getattr(e, target)) for e in ENTRIES]
