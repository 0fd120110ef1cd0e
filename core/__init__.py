"""The ground floor every other package stands on: errors, document types, Chinese text and numbers.

errors.py     the one error tree (AssistantError and its branches)
documents.py  RawDocument, Document, Chunk: what crosses the ingest → vectorstore boundary
text.py       the Chinese text kit: normalising, sentences and clauses, years, the jieba tokenizer
names.py      the one rule for place and union names
numbers.py    figures in Chinese news text (35万元 = 350000元 = 三十五万元)
registry.py   pick an implementation by name, with a "choose one of" error
"""
