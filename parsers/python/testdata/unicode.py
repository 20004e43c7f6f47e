# -*- coding: utf-8 -*-
greeting = "héllo wörld 😀🎉 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
import café.naïve as ü
from données.модуль import имя as 名前
import 模块.子模块
emoji = "🐍"; import after_emoji.mod
m = import_module("paquet.modülé")
模块.子模块.函数()
