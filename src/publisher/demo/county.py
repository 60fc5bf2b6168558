"""Static facts of the fictional sample county (示例县), modelled on 002's joint-meeting member list.

Nothing here describes a real company or person. Region code 379901 is deliberately not a
real GB/T 2260 county (37 = Shandong, 99 = an unused prefecture code).
"""

from __future__ import annotations

COUNTY = "379901"
COUNTY_NAME = "示例县"
TOWNS = [  # 9-digit township codes
    ("379901001", "城关街道"), ("379901002", "东疏镇"), ("379901003", "伏山镇"), ("379901004", "堽城镇"),
    ("379901005", "蒋集镇"), ("379901006", "磁窑镇"), ("379901007", "华丰镇"), ("379901008", "葛石镇"),
    ("379901009", "东庄镇"), ("379901010", "乡饮乡"), ("379901011", "鹤山镇"), ("379901012", "泗店镇"),
]

# (code, 中文名, English name, industries (GB/T 4754 prefixes) it supervises)
OFFICES = [
    ("scjgj", "示例县市场监督管理局", "County Administration for Market Regulation", ["F52", "H62", "C14", "C13", "L72", "O80"]),
    ("fgj", "示例县发展和改革局", "County Development and Reform Bureau", ["D44"]),
    ("jtj", "示例县教育和体育局", "County Education and Sports Bureau", ["P83"]),
    ("kjj", "示例县科学技术局", "County Science and Technology Bureau", ["M73"]),
    ("gxj", "示例县工业和信息化局", "County Industry and IT Bureau", ["C30", "C26"]),
    ("gaj", "示例县公安局", "County Public Security Bureau", ["O81"]),
    ("mzj", "示例县民政局", "County Civil Affairs Bureau", ["Q85"]),
    ("sfj", "示例县司法局", "County Justice Bureau", ["L72"]),
    ("czj", "示例县财政局", "County Finance Bureau", ["J66"]),
    ("rsj", "示例县人力资源和社会保障局", "County Human Resources and Social Security Bureau", ["L72"]),
    ("zrzyj", "示例县自然资源和规划局", "County Natural Resources and Planning Bureau", ["B10"]),
    ("sthjj", "市生态环境局示例县分局", "Municipal Ecology and Environment Bureau, County Branch", ["C26", "C30"]),
    ("zjj", "示例县住房和城乡建设局", "County Housing and Urban-Rural Development Bureau", ["E47", "K70"]),
    ("zfj", "示例县综合行政执法局", "County Comprehensive Administrative Law Enforcement Bureau", ["H62", "F52"]),
    ("jtysj", "示例县交通运输局", "County Transport Bureau", ["G54"]),
    ("slj", "示例县水利局", "County Water Resources Bureau", ["N76"]),
    ("nyncj", "示例县农业农村局", "County Agriculture and Rural Affairs Bureau", ["A01", "C13"]),
    ("wlj", "示例县文化和旅游局", "County Culture and Tourism Bureau", ["R87", "R88"]),
    ("wjj", "示例县卫生健康局", "County Health Commission", ["Q84"]),
    ("yjj", "示例县应急管理局", "County Emergency Management Bureau", ["C26", "B10"]),
    ("tjj", "示例县统计局", "County Statistics Bureau", []),
    ("ybj", "示例县医疗保障局", "County Healthcare Security Bureau", ["Q84"]),
    ("swj", "国家税务总局示例县税务局", "State Taxation Administration, County Bureau", []),
    ("ycj", "示例县烟草专卖局", "County Tobacco Monopoly Bureau", ["F52"]),
    ("lyj", "示例县生态林业发展中心", "County Ecological Forestry Development Centre", ["A02"]),
]

# GB/T 4754 codes with a Chinese word used to make up names, and weights
INDUSTRIES = [
    ("F5211", "百货", "商贸有限公司", 14), ("F5292", "便利店", "便利店", 12), ("H6210", "餐饮", "餐饮店", 12),
    ("C1431", "食品", "食品有限公司", 5), ("C1391", "农副食品", "农产品加工厂", 4), ("L7212", "商务服务", "商务咨询有限公司", 6),
    ("O8010", "家政", "家政服务部", 4), ("E4700", "建筑", "建筑工程有限公司", 6), ("K7010", "房地产", "置业有限公司", 2),
    ("G5430", "运输", "运输有限公司", 5), ("C3021", "建材", "建材有限公司", 4), ("C2614", "化工", "化工有限公司", 2),
    ("A0141", "种植", "种植专业合作社", 5), ("R8790", "文化娱乐", "文化传媒有限公司", 3), ("R8810", "体育", "健身馆", 2),
    ("Q8421", "诊所", "诊所", 3), ("P8391", "培训", "培训学校", 2), ("D4420", "燃气", "燃气有限公司", 1),
    ("N7690", "水利", "水利工程有限公司", 1), ("B1011", "采石", "石料厂", 1), ("J6620", "金融服务", "融资担保有限公司", 1),
    ("M7310", "研发", "科技有限公司", 3), ("A0200", "林业", "林业专业合作社", 1), ("O8111", "汽修", "汽车修理厂", 2),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞波宁浩凯健俊帅雪琳晨阳辉"
NAME_WORDS = "鑫源恒泰宏达瑞丰华盛金鼎福运安康兴旺顺通永和嘉禾明德天成广信汇丰盛世新宇正大利民隆昌"
