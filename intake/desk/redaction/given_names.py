"""Western given names, as people in Hong Kong, Taiwan, the diaspora and the foreigners named in
reporting on China carry them (Joshua Wong, Claudia Mo, Peter Dahlin, Philip Alston).

One of these before a capitalised word that is no ordinary word, place or institution is a name
("Philip Alston", not "Victoria Park"). Left out on purpose: names that are also common English
words or places (May, June, Will, Mark, Grace, Hope, Rose, Victoria, Jordan, Georgia, Florence,
Chase, Amber, Ivy), which would make a name of "May Day" or "Grace Church".
"""

WESTERN_GIVEN = frozenset("""
aaron adam adrian agnes alan albert alex alexander alexandra alfred alice alison amanda amy andrea andrew andy angela
angelina angus ann anna anne annie anthony antony arthur audrey barbara barry ben benedict benjamin benny bernard betty
beverly bobby brian bruce carl carmen carol caroline carrie catherine cathy cecilia charles charlotte cherry chris
christina christine christopher cindy claire clara claudia clement colin connie cyd daniel danny david dennis denise
derek diana dominic donald doris dorothy edward edwin eileen elaine eleanor elizabeth ellen emily emma eric erica
esther eugene eunice evan fanny felix fergus fernando fiona frances francis frank franklin fred frederick gabriel gary
gavin george gerald gigi gillian gloria gordon gregory gwyneth hannah harold harry helen helena henry herbert howard
ian irene isaac isabel jack jackie jacky james jamie jane janet jason jean jeffrey jennifer jenny jeremy jerry jessica
jim jimmy joan joanna joe john johnny jonathan joseph joshua joyce judy julia julian julie justin karen kate katherine
kathy keith kelly kenneth kevin larry laura lawrence leo leon leonard leslie lester lilian linda lisa louis louise
lucy luke lydia maggie margaret maria marian marie martha martin mary matthew maurice max melissa michael michelle
nancy natalie nathan neil nicholas nicole nigel noel norman oliver olivia oscar owen pamela patricia patrick paul
paula pauline peggy peter philip phoebe rachel ralph raymond rebecca regina richard rita robert robin roger ronald
ronny roy ruby russell ruth ryan sally samantha samuel sandra sarah sebastien sharon shirley simon sophia sophie
stanley stella stephanie stephen steve steven stuart susan suzanne sylvia teresa terence thomas timothy tina tom tommy
tony tracy trevor ursula vanessa vincent virginia walter wendy william winnie yvonne zoe
""".split())
