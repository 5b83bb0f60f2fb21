"""Person names in Latin letters: Taiwan press Wade–Giles and mainland pinyin, on real
names (real pypinyin, no mocks), plus the whole pinyin syllable table."""
from __future__ import annotations

import re

import pytest
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from pipeline.lang import romanize as r
from pipeline.lang.romanize import SURNAMES, is_surname, romanize, split_name

# --- Taiwan: public figures whose English names are regular Wade–Giles -------------
TAIWAN = [
    ("賴清德", "Lai Ching-te"), ("蕭文生", "Hsiao Wen-sheng"), ("麥玉珍", "Mai Yu-chen"),
    ("陳思宇", "Chen Szu-yu"), ("許志傑", "Hsu Chih-chieh"), ("許智傑", "Hsu Chih-chieh"),
    ("王毅", "Wang I"), ("張三", "Chang San"),
    # government
    ("卓榮泰", "Cho Jung-tai"), ("韓國瑜", "Han Kuo-yu"), ("林佳龍", "Lin Chia-lung"),
    ("陳建仁", "Chen Chien-jen"), ("林右昌", "Lin Yu-chang"), ("陳時中", "Chen Shih-chung"),
    ("鄭文燦", "Cheng Wen-tsan"), ("龔明鑫", "Kung Ming-hsin"), ("鄭英耀", "Cheng Ying-yao"),
    ("陳世凱", "Chen Shih-kai"), ("吳誠文", "Wu Cheng-wen"), ("邱垂正", "Chiu Chui-cheng"),
    ("薛瑞元", "Hsueh Jui-yuan"), ("邱泰源", "Chiu Tai-yuan"), ("石崇良", "Shih Chung-liang"),
    ("王美花", "Wang Mei-hua"), ("蔡清祥", "Tsai Ching-hsiang"), ("鄭銘謙", "Cheng Ming-chien"),
    ("史哲", "Shih Che"), ("莊翠雲", "Chuang Tsui-yun"), ("李遠", "Li Yuan"),
    ("林萬億", "Lin Wan-i"), ("姚人多", "Yao Jen-to"), ("潘文忠", "Pan Wen-chung"),
    ("許銘春", "Hsu Ming-chun"), ("葉匡時", "Yeh Kuang-shih"), ("張俊雄", "Chang Chun-hsiung"),
    ("林全", "Lin Chuan"), ("唐飛", "Tang Fei"), ("連戰", "Lien Chan"),
    ("張惇涵", "Chang Tun-han"), ("謝長廷", "Hsieh Chang-ting"), ("呂秀蓮", "Lu Hsiu-lien"),
    # mayors and county magistrates
    ("蔣萬安", "Chiang Wan-an"), ("黃偉哲", "Huang Wei-che"), ("陳其邁", "Chen Chi-mai"),
    ("高虹安", "Kao Hung-an"), ("張麗善", "Chang Li-shan"), ("徐榛蔚", "Hsu Chen-wei"),
    ("王惠美", "Wang Hui-mei"), ("翁章梁", "Weng Chang-liang"), ("周春米", "Chou Chun-mi"),
    ("許淑華", "Hsu Shu-hua"), ("謝國樑", "Hsieh Kuo-liang"), ("黃敏惠", "Huang Min-hui"),
    ("陳菊", "Chen Chu"), ("胡志強", "Hu Chih-chiang"),
    # legislators and party figures
    ("黃國昌", "Huang Kuo-chang"), ("傅崐萁", "Fu Kun-chi"), ("江啟臣", "Chiang Chi-chen"),
    ("王世堅", "Wang Shih-chien"), ("羅智強", "Lo Chih-chiang"), ("洪秀柱", "Hung Hsiu-chu"),
    ("吳伯雄", "Wu Po-hsiung"), ("連勝文", "Lien Sheng-wen"), ("吳思瑤", "Wu Szu-yao"),
    ("黃珊珊", "Huang Shan-shan"), ("沈伯洋", "Shen Po-yang"), ("范雲", "Fan Yun"),
    ("吳欣盈", "Wu Hsin-ying"), ("王定宇", "Wang Ting-yu"), ("劉建國", "Liu Chien-kuo"),
    ("趙天麟", "Chao Tien-lin"), ("蘇巧慧", "Su Chiao-hui"), ("林淑芬", "Lin Shu-fen"),
    ("莊瑞雄", "Chuang Jui-hsiung"), ("何欣純", "Ho Hsin-chun"), ("賴瑞隆", "Lai Jui-lung"),
    ("陳素月", "Chen Su-yueh"), ("林義雄", "Lin I-hsiung"), ("黃信介", "Huang Hsin-chieh"),
    ("許信良", "Hsu Hsin-liang"), ("彭明敏", "Peng Ming-min"), ("鄭南榕", "Cheng Nan-jung"),
    ("姚嘉文", "Yao Chia-wen"), ("陳定南", "Chen Ting-nan"),
    # history
    ("蔣經國", "Chiang Ching-kuo"), ("蔣中正", "Chiang Chung-cheng"), ("嚴家淦", "Yen Chia-kan"),
    ("陳誠", "Chen Cheng"), ("胡適", "Hu Shih"), ("林洋港", "Lin Yang-kang"),
    ("謝東閔", "Hsieh Tung-min"), ("李元簇", "Li Yuan-tsu"), ("張學良", "Chang Hsueh-liang"),
    ("孫立人", "Sun Li-jen"), ("蔣緯國", "Chiang Wei-kuo"), ("于右任", "Yu Yu-jen"),
    ("殷海光", "Yin Hai-kuang"), ("錢穆", "Chien Mu"), ("雷震", "Lei Chen"),
    # culture, sport, business
    ("白先勇", "Pai Hsien-yung"), ("龍應台", "Lung Ying-tai"), ("張大春", "Chang Ta-chun"),
    ("朱天心", "Chu Tien-hsin"), ("朱天文", "Chu Tien-wen"), ("侯孝賢", "Hou Hsiao-hsien"),
    ("楊德昌", "Yang Te-chang"), ("蔡明亮", "Tsai Ming-liang"), ("林青霞", "Lin Ching-hsia"),
    ("張艾嘉", "Chang Ai-chia"), ("鄧麗君", "Teng Li-chun"), ("鳳飛飛", "Feng Fei-fei"),
    ("費玉清", "Fei Yu-ching"), ("周杰倫", "Chou Chieh-lun"), ("蔡依林", "Tsai I-lin"),
    ("張惠妹", "Chang Hui-mei"), ("陳偉殷", "Chen Wei-yin"),
    ("陳金鋒", "Chen Chin-feng"), ("王齊麟", "Wang Chi-lin"), ("戴資穎", "Tai Tzu-ying"), ("郭婞淳", "Kuo Hsing-chun"),
    ("林昀儒", "Lin Yun-ju"), ("盧彥勳", "Lu Yen-hsun"), ("曾雅妮", "Tseng Ya-ni"),
    ("紀政", "Chi Cheng"), ("丁肇中", "Ting Chao-chung"), ("施振榮", "Shih Chen-jung"),
    ("王永慶", "Wang Yung-ching"), ("王雪紅", "Wang Hsueh-hung"),
    ("張忠謀", "Chang Chung-mou"), ("魏哲家", "Wei Che-chia"),
    # compound surnames, family name as one word
    ("歐陽娜娜", "Ouyang Na-na"), ("司馬中原", "Szuma Chung-yuan"), ("諸葛亮", "Chuko Liang"),
    ("歐陽修", "Ouyang Hsiu"), ("上官婉兒", "Shangkuan Wan-erh"), ("張簡明德", "Changchien Ming-te"),
]

# Official English names that are not regular Wade–Giles: romanize gives the regular
# form, so these must come from the glossary.
TAIWAN_IRREGULAR = [
    # (name, official English, what romanize gives)
    ("蔡英文", "Tsai Ing-wen", "Tsai Ying-wen"),
    ("柯文哲", "Ko Wen-je", "Ko Wen-che"),
    ("侯友宜", "Hou Yu-ih", "Hou Yu-i"),
    ("馬英九", "Ma Ying-jeou", "Ma Ying-chiu"),
    ("蕭美琴", "Hsiao Bi-khim", "Hsiao Mei-chin"),
    ("李登輝", "Lee Teng-hui", "Li Teng-hui"),
    ("陳水扁", "Chen Shui-bian", "Chen Shui-pien"),
    ("蘇貞昌", "Su Tseng-chang", "Su Chen-chang"),
    ("朱立倫", "Chu Li-luan", "Chu Li-lun"),
    ("鄭麗君", "Cheng Li-chiun", "Cheng Li-chun"),
    ("宋楚瑜", "Soong Chu-yu", "Sung Chu-yu"),
    ("吳敦義", "Wu Den-yih", "Wu Tun-i"),
    ("游錫堃", "You Si-kun", "Yu Hsi-kun"),
    ("王金平", "Wang Jin-pyng", "Wang Chin-ping"),
    ("盧秀燕", "Lu Shiow-yen", "Lu Hsiu-yen"),
    ("郭台銘", "Terry Gou", "Kuo Tai-ming"),
    ("周天成", "Chou Tien-chen", "Chou Tien-cheng"),
    ("謝淑薇", "Hsieh Su-wei", "Hsieh Shu-wei"),
    ("王建民", "Wang Chien-ming", "Wang Chien-min"),
    ("張榮發", "Chang Yung-fa", "Chang Jung-fa"),      # 榮 in the old reading yung
    ("蔡明介", "Tsai Ming-kai", "Tsai Ming-chieh"),
    ("高金素梅", "Kao Chin Su-mei", "Kao-Chin Su-mei"),  # 冠夫姓: two surnames
]

# --- Mainland: Hanyu Pinyin -------------------------------------------------------
MAINLAND = [
    ("李克强", "Li Keqiang"), ("王沪宁", "Wang Huning"), ("曾庆红", "Zeng Qinghong"),
    ("单霁翔", "Shan Jixiang"), ("解振华", "Xie Zhenhua"), ("仇和", "Qiu He"),
    ("李建国", "Li Jianguo"), ("萧文生", "Xiao Wensheng"), ("蕭文生", "Xiao Wensheng"),
    ("习近平", "Xi Jinping"), ("李强", "Li Qiang"), ("赵乐际", "Zhao Leji"),
    ("蔡奇", "Cai Qi"), ("丁薛祥", "Ding Xuexiang"), ("李希", "Li Xi"), ("王毅", "Wang Yi"),
    ("韩正", "Han Zheng"), ("胡锦涛", "Hu Jintao"), ("温家宝", "Wen Jiabao"),
    ("江泽民", "Jiang Zemin"), ("朱镕基", "Zhu Rongji"), ("李鹏", "Li Peng"),
    ("吴邦国", "Wu Bangguo"), ("贾庆林", "Jia Qinglin"), ("李长春", "Li Changchun"),
    ("罗干", "Luo Gan"), ("贺国强", "He Guoqiang"), ("张德江", "Zhang Dejiang"),
    ("俞正声", "Yu Zhengsheng"), ("刘云山", "Liu Yunshan"), ("王岐山", "Wang Qishan"),
    ("张高丽", "Zhang Gaoli"), ("栗战书", "Li Zhanshu"), ("汪洋", "Wang Yang"),
    ("邓小平", "Deng Xiaoping"), ("毛泽东", "Mao Zedong"), ("周恩来", "Zhou Enlai"),
    ("刘少奇", "Liu Shaoqi"), ("朱德", "Zhu De"), ("陈云", "Chen Yun"),
    ("叶剑英", "Ye Jianying"), ("华国锋", "Hua Guofeng"), ("胡耀邦", "Hu Yaobang"),
    ("赵紫阳", "Zhao Ziyang"), ("乔石", "Qiao Shi"), ("万里", "Wan Li"),
    ("薄熙来", "Bo Xilai"), ("薄一波", "Bo Yibo"), ("彭丽媛", "Peng Liyuan"),
    ("杨洁篪", "Yang Jiechi"), ("傅莹", "Fu Ying"), ("华春莹", "Hua Chunying"),
    ("赵立坚", "Zhao Lijian"), ("汪文斌", "Wang Wenbin"), ("毛宁", "Mao Ning"),
    ("郭嘉昆", "Guo Jiakun"), ("何立峰", "He Lifeng"), ("刘鹤", "Liu He"),
    ("易纲", "Yi Gang"), ("秦刚", "Qin Gang"), ("令计划", "Ling Jihua"),
    ("尉健行", "Wei Jianxing"), ("曾培炎", "Zeng Peiyan"), ("曾国藩", "Zeng Guofan"),
    ("屠呦呦", "Tu Youyou"), ("莫言", "Mo Yan"), ("钟南山", "Zhong Nanshan"),
    ("袁隆平", "Yuan Longping"), ("任正非", "Ren Zhengfei"), ("孟晚舟", "Meng Wanzhou"),
    ("姚明", "Yao Ming"), ("郎平", "Lang Ping"), ("谷爱凌", "Gu Ailing"),
    ("苏炳添", "Su Bingtian"), ("全红婵", "Quan Hongchan"), ("翟志刚", "Zhai Zhigang"),
    ("杨利伟", "Yang Liwei"), ("聂海胜", "Nie Haisheng"), ("查良镛", "Zha Liangyong"),
    ("钱学森", "Qian Xuesen"), ("华罗庚", "Hua Luogeng"), ("单田芳", "Shan Tianfang"),
    ("南怀瑾", "Nan Huaijin"), ("吕小军", "Lü Xiaojun"),
    ("李西安", "Li Xi'an"),
    # compound surnames
    ("欧阳自远", "Ouyang Ziyuan"), ("欧阳娜娜", "Ouyang Nana"), ("歐陽娜娜", "Ouyang Nana"),
    ("诸葛亮", "Zhuge Liang"), ("司马迁", "Sima Qian"), ("司马光", "Sima Guang"),
    ("欧阳修", "Ouyang Xiu"), ("上官婉儿", "Shangguan Wan'er"), ("上官云珠", "Shangguan Yunzhu"),
    ("东方朔", "Dongfang Shuo"), ("尉迟恭", "Yuchi Gong"), ("长孙无忌", "Zhangsun Wuji"),
    ("万俟卨", "Moqi Xie"), ("端木蕻良", "Duanmu Hongliang"), ("澹台灭明", "Tantai Mieming"),
    ("夏侯惇", "Xiahou Dun"), ("皇甫嵩", "Huangfu Song"), ("公孙龙", "Gongsun Long"),
    ("宇文泰", "Yuwen Tai"), ("慕容垂", "Murong Chui"), ("钟离春", "Zhongli Chun"),
    ("呼延灼", "Huyan Zhuo"), ("司馬中原", "Sima Zhongyuan"),
]


@pytest.mark.parametrize("name, english", TAIWAN)
def test_taiwan_names_in_press_wade_giles(name: str, english: str) -> None:
    assert romanize(name, "wade-giles") == english


@pytest.mark.parametrize("name, official, regular", TAIWAN_IRREGULAR)
def test_irregular_taiwan_names_get_the_regular_form(name: str, official: str,
                                                      regular: str) -> None:
    # Known exceptions: the person's own spelling is not derivable; the glossary has it.
    assert romanize(name, "wade-giles") == regular != official


@pytest.mark.parametrize("name, english", MAINLAND)
def test_mainland_names_in_pinyin(name: str, english: str) -> None:
    assert romanize(name, "pinyin") == english


def test_enough_real_names() -> None:
    assert len(TAIWAN) >= 60 and len(MAINLAND) >= 40
    assert len(TAIWAN) + len(MAINLAND) + len(TAIWAN_IRREGULAR) >= 120


@pytest.mark.parametrize("name, pinyin, wade_giles", [
    ("蕭文生", "Xiao Wensheng", "Hsiao Wen-sheng"),
    ("萧文生", "Xiao Wensheng", "Hsiao Wen-sheng"),
    ("赖清德", "Lai Qingde", "Lai Ching-te"),            # Simplified in, Taiwan style out
    ("歐陽娜娜", "Ouyang Nana", "Ouyang Na-na"),
    ("張簡明德", "Zhangjian Mingde", "Changchien Ming-te"),
    ("范姜明德", "Fanjiang Mingde", "Fanchiang Ming-te"),
    ("高金素梅", "Gao-Jin Sumei", "Kao-Chin Su-mei"),     # two surnames side by side
    ("女明", "Nü Ming", "Nu Ming"),
])
def test_both_systems_either_script(name: str, pinyin: str, wade_giles: str) -> None:
    assert romanize(name, "pinyin") == pinyin
    assert romanize(name, "wade-giles") == wade_giles


# --- Surnames ---------------------------------------------------------------------

@pytest.mark.parametrize("surname, pinyin, wade_giles", [
    ("曾", "Zeng", "Tseng"), ("單", "Shan", "Shan"), ("单", "Shan", "Shan"),
    ("解", "Xie", "Hsieh"), ("仇", "Qiu", "Chiu"), ("樂", "Yue", "Yueh"), ("乐", "Yue", "Yueh"),
    ("區", "Ou", "Ou"), ("区", "Ou", "Ou"), ("查", "Zha", "Cha"), ("華", "Hua", "Hua"),
    ("朴", "Piao", "Piao"), ("繆", "Miao", "Miao"), ("缪", "Miao", "Miao"), ("覃", "Qin", "Chin"),
    ("蓋", "Ge", "Ko"), ("盖", "Ge", "Ko"), ("葛", "Ge", "Ko"), ("尉", "Wei", "Wei"),
    ("種", "Chong", "Chung"), ("种", "Chong", "Chung"), ("黑", "He", "Ho"),
    ("重", "Chong", "Chung"), ("藏", "Zang", "Tsang"), ("沈", "Shen", "Shen"),
    ("石", "Shi", "Shih"), ("翟", "Zhai", "Chai"), ("秘", "Bi", "Pi"), ("那", "Na", "Na"),
    ("員", "Yun", "Yun"), ("隗", "Wei", "Wei"), ("句", "Gou", "Kou"), ("折", "She", "She"),
    ("賁", "Ben", "Pen"), ("能", "Nai", "Nai"), ("應", "Ying", "Ying"), ("呂", "Lü", "Lu"),
    ("万俟", "Moqi", "Mochi"), ("長孫", "Zhangsun", "Changsun"), ("單于", "Chanyu", "Chanyu"),
    ("尉遲", "Yuchi", "Yuchih"), ("司徒", "Situ", "Szutu"), ("令狐", "Linghu", "Linghu"),
    ("軒轅", "Xuanyuan", "Hsuanyuan"), ("澹臺", "Tantai", "Tantai"), ("鍾離", "Zhongli", "Chungli"),
])
def test_surname_readings(surname: str, pinyin: str, wade_giles: str) -> None:
    name = surname + "明"
    assert split_name(name) == (surname, "明")
    assert romanize(name, "pinyin") == f"{pinyin} Ming"
    assert romanize(name, "wade-giles") == f"{wade_giles} Ming"


COMPOUND = ["歐陽", "欧阳", "司馬", "司马", "諸葛", "诸葛", "上官", "司徒", "夏侯", "皇甫",
            "尉遲", "尉迟", "公孫", "公孙", "令狐", "東方", "东方", "慕容", "長孫", "长孙",
            "宇文", "軒轅", "轩辕", "端木", "澹臺", "澹台", "鍾離", "钟离", "万俟", "單于",
            "单于", "張簡", "张简", "范姜"]


@pytest.mark.parametrize("surname", COMPOUND)
def test_compound_surnames_split_off(surname: str) -> None:
    assert is_surname(surname)
    assert split_name(surname + "明") == (surname, "明")
    assert split_name(surname + "明德") == (surname, "明德")


@pytest.mark.parametrize("name, parts", [
    ("王毅", ("王", "毅")), ("李建国", ("李", "建国")),
    ("司馬", ("司", "馬")),               # two characters: always 1 + 1
    ("宗政宏", ("宗", "政宏")),            # 宗 + 政X, the likelier reading
    ("宗政明德", ("宗政", "明德")),
    ("陳林美玉", ("陳林", "美玉")),        # 冠夫姓: two surnames
    (" 賴清德 ", ("賴", "清德")),
])
def test_split_name(name: str, parts: tuple[str, str]) -> None:
    assert split_name(name) == parts


def test_surname_list() -> None:
    assert len([s for s in SURNAMES if len(s) == 1]) >= 500
    common = ("王李張张劉刘陳陈楊杨黃黄趙赵吳吴周徐孫孙馬马朱胡郭何高林羅罗鄭郑梁謝谢宋唐許许"
              "韓韩馮冯鄧邓曹彭曾蕭萧肖田董袁潘于蔣蒋蔡余杜葉叶程蘇苏魏呂吕丁任沈姚盧卢姜崔鍾钟"
              "譚谭陸陆汪范金石廖賈贾夏韋韦付方白鄒邹孟熊秦邱江尹薛閆闫段雷侯龍龙史陶黎賀贺顧顾"
              "毛郝龔龚邵萬万錢钱嚴严覃武戴莫孔向湯汤賴赖游詹簡简柯翁顏颜連连莊庄涂卓粘辜麥麦")
    assert [c for c in common if c not in SURNAMES] == []
    for not_a_surname in ("的", "是", "在", "了", "不", "我", "他", "們", "这", "說", "说", "中華"):
        assert not is_surname(not_a_surname)
    assert not is_surname("") and not is_surname("王王")


def test_surname_file_is_well_formed() -> None:
    seen: dict[str, str] = {}
    rows = 0
    for line in r.SURNAMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows += 1
        forms, pinyin = line.split("\t")
        syllables = pinyin.split(" ")
        for form in forms.split("|"):
            assert re.fullmatch(r"[\u3400-\u9fff\U00020000-\U0003134f]{1,2}", form), line
            assert len(form) == len(syllables), line
            assert form not in seen, f"{form} listed twice"
            seen[form] = pinyin
        for syllable in syllables:
            assert syllable in PYPINYIN_SYLLABLES, line
    assert rows >= 500 and set(seen) == SURNAMES


# --- The syllable table -------------------------------------------------------------
# Reference Wade–Giles for every standard pinyin syllable, written out by hand from
# the standard conversion table (apostrophes and ü kept). "x" alone: same spelling.
REFERENCE = """
a ai an ang ao e=o ei en eng er=erh o ou
ya yan=yen yang yao ye=yeh yi=i yin ying yo yong=yung you=yu yu=yü yuan=yüan yue=yüeh yun=yün
wa wai wan wang wei wen weng wo wu
ba=pa bai=pai ban=pan bang=pang bao=pao bei=pei ben=pen beng=peng bi=pi bian=pien
biao=piao bie=pieh bin=pin bing=ping bo=po bu=pu
pa=p'a pai=p'ai pan=p'an pang=p'ang pao=p'ao pei=p'ei pen=p'en peng=p'eng pi=p'i
pian=p'ien piao=p'iao pie=p'ieh pin=p'in ping=p'ing po=p'o pou=p'ou pu=p'u
ma mai man mang mao me mei men meng mi mian=mien miao mie=mieh min ming miu mo mou mu
fa fan fang fei fen feng fo fou fu
da=ta dai=tai dan=tan dang=tang dao=tao de=te dei=tei deng=teng di=ti dian=tien diao=tiao
die=tieh ding=ting diu=tiu dong=tung dou=tou du=tu duan=tuan dui=tui dun=tun duo=to
ta=t'a tai=t'ai tan=t'an tang=t'ang tao=t'ao te=t'e teng=t'eng ti=t'i tian=t'ien
tiao=t'iao tie=t'ieh ting=t'ing tong=t'ung tou=t'ou tu=t'u tuan=t'uan tui=t'ui tun=t'un tuo=t'o
na nai nan nang nao ne nei nen neng ni nian=nien niang niao nie=nieh nin ning niu nong=nung
nou nu nü nuan nüe=nüeh nuo=no
la lai lan lang lao le lei leng li lia lian=lien liang liao lie=lieh lin ling liu lo
long=lung lou lu lü luan lüe=lüeh lun luo=lo
ga=ka gai=kai gan=kan gang=kang gao=kao ge=ko gei=kei gen=ken geng=keng gong=kung gou=kou
gu=ku gua=kua guai=kuai guan=kuan guang=kuang gui=kuei gun=kun guo=kuo
ka=k'a kai=k'ai kan=k'an kang=k'ang kao=k'ao ke=k'o kei=k'ei ken=k'en keng=k'eng kong=k'ung
kou=k'ou ku=k'u kua=k'ua kuai=k'uai kuan=k'uan kuang=k'uang kui=k'uei kun=k'un kuo=k'uo
ha hai han hang hao he=ho hei hen heng hong=hung hou hu hua huai huan huang hui hun huo
ji=chi jia=chia jian=chien jiang=chiang jiao=chiao jie=chieh jin=chin jing=ching
jiong=chiung jiu=chiu ju=chü juan=chüan jue=chüeh jun=chün
qi=ch'i qia=ch'ia qian=ch'ien qiang=ch'iang qiao=ch'iao qie=ch'ieh qin=ch'in qing=ch'ing
qiong=ch'iung qiu=ch'iu qu=ch'ü quan=ch'üan que=ch'üeh qun=ch'ün
xi=hsi xia=hsia xian=hsien xiang=hsiang xiao=hsiao xie=hsieh xin=hsin xing=hsing
xiong=hsiung xiu=hsiu xu=hsü xuan=hsüan xue=hsüeh xun=hsün
zha=cha zhai=chai zhan=chan zhang=chang zhao=chao zhe=che zhei=chei zhen=chen zheng=cheng
zhi=chih zhong=chung zhou=chou zhu=chu zhua=chua zhuai=chuai zhuan=chuan zhuang=chuang
zhui=chui zhun=chun zhuo=cho
cha=ch'a chai=ch'ai chan=ch'an chang=ch'ang chao=ch'ao che=ch'e chen=ch'en cheng=ch'eng
chi=ch'ih chong=ch'ung chou=ch'ou chu=ch'u chua=ch'ua chuai=ch'uai chuan=ch'uan
chuang=ch'uang chui=ch'ui chun=ch'un chuo=ch'o
sha shai shan shang shao she shei shen sheng shi=shih shou shu shua shuai shuan shuang
shui shun shuo
ran=jan rang=jang rao=jao re=je ren=jen reng=jeng ri=jih rong=jung rou=jou ru=ju rua=jua
ruan=juan rui=jui run=jun ruo=jo
za=tsa zai=tsai zan=tsan zang=tsang zao=tsao ze=tse zei=tsei zen=tsen zeng=tseng zi=tzu
zong=tsung zou=tsou zu=tsu zuan=tsuan zui=tsui zun=tsun zuo=tso
ca=ts'a cai=ts'ai can=ts'an cang=ts'ang cao=ts'ao ce=ts'e cen=ts'en ceng=ts'eng ci=tz'u
cong=ts'ung cou=ts'ou cu=ts'u cuan=ts'uan cui=ts'ui cun=ts'un cuo=ts'o
sa sai san sang sao se sen seng si=ssu song=sung sou su suan sui sun suo=so
"""
TABLE = dict((t.split("=") * 2)[:2] for t in REFERENCE.split())

# Every toneless reading pypinyin can give any character (its inventory, including
# rare ones such as biang, fiao, ê, hm).
PYPINYIN_SYLLABLES = frozenset(
    to_normal(reading, v_to_u=True)
    for readings in pinyin_dict.values() for reading in readings.split(","))
ALLOWED = re.compile(r"[A-Za-z'\-üÜ]+")


def test_reference_table_covers_the_syllables() -> None:
    assert len(TABLE) >= 400
    assert set(TABLE) <= PYPINYIN_SYLLABLES
    # Whatever pypinyin knows beyond the table is rare or an interjection.
    assert len(PYPINYIN_SYLLABLES - set(TABLE)) < 30


@pytest.mark.parametrize("pinyin", sorted(TABLE))
def test_syllable_wade_giles(pinyin: str) -> None:
    assert r.wade_giles(pinyin) == TABLE[pinyin]


def test_every_pypinyin_syllable_converts() -> None:
    for syllable in PYPINYIN_SYLLABLES:
        scholarly, press = r.wade_giles(syllable), r.wade_giles_press(syllable)
        assert ALLOWED.fullmatch(scholarly), (syllable, scholarly)
        assert re.fullmatch("[a-z]+", press), (syllable, press)


@pytest.mark.parametrize("pinyin, press", [
    ("si", "szu"), ("ci", "tzu"), ("zi", "tzu"), ("xu", "hsu"), ("lü", "lu"), ("lv", "lu"),
    ("jue", "chueh"), ("qing", "ching"), ("yue", "yueh"), ("lue", "lueh"), ("yi", "i"),
    ("er", "erh"), ("ê", "eh"),
])
def test_press_form(pinyin: str, press: str) -> None:
    assert r.wade_giles_press(pinyin) == press


def test_not_a_syllable() -> None:
    for bad in ("", "abc", "qa", "zhü", "xyz"):
        with pytest.raises(ValueError):
            r.wade_giles(bad)


def test_outputs_use_only_latin_letters() -> None:
    names = [n for n, _ in TAIWAN + MAINLAND] + [n for n, _, _ in TAIWAN_IRREGULAR]
    names += [s + "明" for s in SURNAMES]
    for name in names:
        for system in ("pinyin", "wade-giles"):
            assert re.fullmatch(r"[A-Za-z'\-üÜ]+ [A-Za-z'\-üÜ]+", romanize(name, system)), name


# --- Not names ----------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["ABC", "", "   ", "李", "李A", "李 明", "歐陽娜娜娜",
                                 "阿沛·阿旺晉美", "123", None])
def test_not_a_name(bad: object) -> None:
    for system in ("pinyin", "wade-giles"):
        with pytest.raises(ValueError):
            romanize(bad, system)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        split_name(bad)  # type: ignore[arg-type]


def test_unknown_system() -> None:
    with pytest.raises(ValueError):
        romanize("王毅", "yale")
