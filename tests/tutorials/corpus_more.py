"""More corpus cases (issue 12, breadth): Karpathy's makemore parts 2, 3 and 4 and his "Let's build
GPT" (bigram.py, gpt.py), *Deep Learning with PyTorch* chapter 5, the UvA deep learning course's
tutorial 2, Daniel Bourke's PyTorch workflow and PyTorch's "What is torch.nn really?".

Imported at the end of ``tutorial_corpus.py``; the same rules hold (see its docstring).
"""
from tutorial_corpus import NAMES, SOURCES, case

ZTH = "karpathy/nn-zero-to-hero"
SOURCES.update({
    "zth-mlp": (ZTH, "lectures/makemore/makemore_part2_mlp.ipynb", "73c3fcc741f0ec104ca850b1fb0df90e7e8d4cde"),
    "zth-backprop": (ZTH, "lectures/makemore/makemore_part4_backprop.ipynb", "73c3fcc741f0ec104ca850b1fb0df90e7e8d4cde"),
    "dlwpt-autograd": ("deep-learning-with-pytorch/dlwpt-code", "p1ch5/2_autograd.ipynb",
                       "d6c0210143daa133bbdeddaffc8993b1e17b5174"),
    "dlwpt-optim": ("deep-learning-with-pytorch/dlwpt-code", "p1ch5/3_optimizers.ipynb",
                    "d6c0210143daa133bbdeddaffc8993b1e17b5174"),
    "uvadlc-intro": ("phlippe/uvadlc_notebooks", "docs/tutorial_notebooks/tutorial2/Introduction_to_PyTorch.ipynb",
                     "0da8037c7abc32f478ff6142acceb72dbcf088ee"),
    "mdb-workflow": ("mrdbourke/pytorch-deep-learning", "01_pytorch_workflow.ipynb",
                     "baa27b691617461c173ecf3439793cd8cde74e13"),
})


def _fixed(cells, replacements):
    """The cells with each random draw replaced by a fixed value (every replacement must apply)."""
    out = []
    for c in cells:
        for old, new in replacements:
            c = c.replace(old, new)
        out.append(c)
    joined = "".join(out)
    assert all(new in joined for _, new in replacements), "a replacement did not apply"
    return out


# A save/load snippet writes its file into a fresh temporary folder, not the test folder.
_IN_TMP = "import os, tempfile\nos.chdir(tempfile.mkdtemp())\n"
_TMP_NOTE = "the files it saves go to a temporary folder (os.chdir(tempfile.mkdtemp()) added)"

# == makemore part 2: an MLP on characters ===========================================================

# The lecture's first dataset is the first five names: 32 examples (its torch.arange(32) counts them).
_FIVE = "words = ['emma', 'olivia', 'ava', 'isabella', 'sophia']\n"
_MLP_HEAD = ["import torch\nimport torch.nn.functional as F", _FIVE + "words[:8]", "len(words)", """\
# build the vocabulary of characters and mappings to/from integers
chars = sorted(list(set(''.join(words))))
stoi = {s:i+1 for i,s in enumerate(chars)}
stoi['.'] = 0
itos = {i:s for s,i in stoi.items()}
print(itos)
""", """\
# build the dataset

block_size = 3 # context length: how many characters do we take to predict the next one?
X, Y = [], []
for w in words:
  
  #print(w)
  context = [0] * block_size
  for ch in w + '.':
    ix = stoi[ch]
    X.append(context)
    Y.append(ix)
    #print(''.join(itos[i] for i in context), '--->', itos[ix])
    context = context[1:] + [ix] # crop and append
  
X = torch.tensor(X)
Y = torch.tensor(Y)
""", "X.shape, X.dtype, Y.shape, Y.dtype", """\
# build the dataset
block_size = 3 # context length: how many characters do we take to predict the next one?

def build_dataset(words):  
  X, Y = [], []
  for w in words:

    #print(w)
    context = [0] * block_size
    for ch in w + '.':
      ix = stoi[ch]
      X.append(context)
      Y.append(ix)
      #print(''.join(itos[i] for i in context), '--->', itos[ix])
      context = context[1:] + [ix] # crop and append

  X = torch.tensor(X)
  Y = torch.tensor(Y)
  print(X.shape, Y.shape)
  return X, Y

import random
random.seed(42)
random.shuffle(words)
n1 = int(0.8*len(words))
n2 = int(0.9*len(words))

Xtr, Ytr = build_dataset(words[:n1])
Xdev, Ydev = build_dataset(words[n1:n2])
Xte, Yte = build_dataset(words[n2:])
"""]
_FIVE_NOTE = "names.txt (a download) replaced by its first five names (the lecture's 32 examples)"
case("zth-mlp-dataset", "zth-mlp", _MLP_HEAD, cells=True, note=_FIVE_NOTE)
# Training needs a dev split that is not empty, and sampling every letter in itos: the first ten
# names (as in the bigram cases) and five more that use the letters those lack, in names.txt's style.
ALL_LETTERS = NAMES.replace("]", ", 'quinn', 'zoey', 'jackson', 'felix', 'gwendolyn']")
_MLP_HEAD10 = [_MLP_HEAD[0], ALL_LETTERS + "words[:8]"] + _MLP_HEAD[2:4] + _MLP_HEAD[6:]
_TEN_NOTE = "names.txt (a download) replaced by fifteen names that use all 26 letters"

_MLP_FORWARD = ["C = torch.randn((27, 2))", "emb = C[X]\nemb.shape", "W1 = torch.randn((6, 100))\nb1 = torch.randn(100)",
                "h = torch.tanh(emb.view(-1, 6) @ W1 + b1)", "h", "h.shape",
                "W2 = torch.randn((100, 27))\nb2 = torch.randn(27)", "logits = h @ W2 + b2", "logits.shape",
                "counts = logits.exp()", "prob = counts / counts.sum(1, keepdims=True)", "prob.shape",
                "loss = -prob[torch.arange(32), Y].log().mean()\nloss"]
case("zth-mlp-forward", "zth-mlp", _MLP_HEAD + _MLP_FORWARD, cells=True, mask="numbers", note=_FIVE_NOTE)
_MLP_FIX = [("torch.randn((27, 2))", "torch.linspace(-1, 1, 54).view(27, 2)"),
            ("torch.randn((6, 100))", "torch.linspace(-0.5, 0.5, 600).view(6, 100)"),
            ("torch.randn(100)", "torch.linspace(-0.2, 0.3, 100)"),
            ("torch.randn((100, 27))", "torch.linspace(-0.3, 0.3, 2700).view(100, 27)"),
            ("torch.randn(27)", "torch.linspace(0, 0.5, 27)")]
case("zth-mlp-forward-fixed", "zth-mlp", _MLP_HEAD + _fixed(_MLP_FORWARD, _MLP_FIX), cells=True,
     note=_FIVE_NOTE + "; torch.randn replaced by fixed linspace patterns")

_MLP_TRAIN = ["Xtr.shape, Ytr.shape # dataset", """\
g = torch.Generator().manual_seed(2147483647) # for reproducibility
C = torch.randn((27, 10), generator=g)
W1 = torch.randn((30, 200), generator=g)
b1 = torch.randn(200, generator=g)
W2 = torch.randn((200, 27), generator=g)
b2 = torch.randn(27, generator=g)
parameters = [C, W1, b1, W2, b2]
""", "sum(p.nelement() for p in parameters) # number of parameters in total", """\
for p in parameters:
  p.requires_grad = True
""", "lre = torch.linspace(-3, 0, 1000)\nlrs = 10**lre", "lri = []\nlossi = []\nstepi = []", """\
for i in range(200):
  
  # minibatch construct
  ix = torch.randint(0, Xtr.shape[0], (32,))
  
  # forward pass
  emb = C[Xtr[ix]] # (32, 3, 10)
  h = torch.tanh(emb.view(-1, 30) @ W1 + b1) # (32, 200)
  logits = h @ W2 + b2 # (32, 27)
  loss = F.cross_entropy(logits, Ytr[ix])
  #print(loss.item())
  
  # backward pass
  for p in parameters:
    p.grad = None
  loss.backward()
  
  # update
  #lr = lrs[i]
  lr = 0.1 if i < 100000 else 0.01
  for p in parameters:
    p.data += -lr * p.grad

  # track stats
  #lri.append(lre[i])
  stepi.append(i)
  lossi.append(loss.log10().item())

#print(loss.item())
""", "len(lossi), lossi[0] > lossi[-1]", """\
emb = C[Xtr] # (32, 3, 2)
h = torch.tanh(emb.view(-1, 30) @ W1 + b1) # (32, 100)
logits = h @ W2 + b2 # (32, 27)
loss = F.cross_entropy(logits, Ytr)
loss
""", """\
emb = C[Xdev] # (32, 3, 2)
h = torch.tanh(emb.view(-1, 30) @ W1 + b1) # (32, 100)
logits = h @ W2 + b2 # (32, 27)
loss = F.cross_entropy(logits, Ydev)
loss
""", "context = [0] * block_size\nC[torch.tensor([context])].shape"]
_TRAIN_NOTE = _TEN_NOTE + "; 200 steps instead of 200,000; len(lossi) and whether the loss fell printed instead of the plot"
case("zth-mlp-train", "zth-mlp", _MLP_HEAD10 + _MLP_TRAIN, cells=True, mask="numbers", note=_TRAIN_NOTE)
_MLP_TRAIN_FIX = [("torch.randn((27, 10), generator=g)", "torch.linspace(-1, 1, 270).view(27, 10)"),
                  ("torch.randn((30, 200), generator=g)", "torch.linspace(-0.5, 0.5, 6000).view(30, 200)"),
                  ("torch.randn(200, generator=g)", "torch.linspace(-0.2, 0.3, 200)"),
                  ("torch.randn((200, 27), generator=g)", "torch.linspace(-0.3, 0.3, 5400).view(200, 27)"),
                  ("torch.randn(27, generator=g)", "torch.linspace(0, 0.5, 27)"),
                  ("torch.randint(0, Xtr.shape[0], (32,))", "torch.arange(i, i + 32) % Xtr.shape[0]"),
                  ("range(200)", "range(20)")]
case("zth-mlp-train-fixed", "zth-mlp", _MLP_HEAD10 + _fixed(_MLP_TRAIN, _MLP_TRAIN_FIX), cells=True,
     note=_TRAIN_NOTE + "; parameters start from fixed linspace patterns, the minibatches are fixed "
     "windows of the training set, and 20 steps are run")
# (The lecture's sampling loop prints letters drawn by the generator: nothing to compare.)

# == makemore part 4: backprop ninja (manual gradients compared with autograd's) ===================

_BP_HEAD = ["import torch\nimport torch.nn.functional as F", ALL_LETTERS + """\
print(len(words))
print(max(len(w) for w in words))
print(words[:8])
""", """\
# build the vocabulary of characters and mappings to/from integers
chars = sorted(list(set(''.join(words))))
stoi = {s:i+1 for i,s in enumerate(chars)}
stoi['.'] = 0
itos = {i:s for s,i in stoi.items()}
vocab_size = len(itos)
print(itos)
print(vocab_size)
""", """\
# build the dataset
block_size = 3 # context length: how many characters do we take to predict the next one?

def build_dataset(words):  
  X, Y = [], []
  
  for w in words:
    context = [0] * block_size
    for ch in w + '.':
      ix = stoi[ch]
      X.append(context)
      Y.append(ix)
      context = context[1:] + [ix] # crop and append

  X = torch.tensor(X)
  Y = torch.tensor(Y)
  print(X.shape, Y.shape)
  return X, Y

import random
random.seed(42)
random.shuffle(words)
n1 = int(0.8*len(words))
n2 = int(0.9*len(words))

Xtr,  Ytr  = build_dataset(words[:n1])     # 80%
Xdev, Ydev = build_dataset(words[n1:n2])   # 10%
Xte,  Yte  = build_dataset(words[n2:])     # 10%
""", """\
# utility function we will use later when comparing manual gradients to PyTorch gradients
def cmp(s, dt, t):
  ex = torch.all(dt == t.grad).item()
  app = torch.allclose(dt, t.grad)
  maxdiff = (dt - t.grad).abs().max().item()
  print(f'{s:15s} | exact: {str(ex):5s} | approximate: {str(app):5s} | maxdiff: {maxdiff}')
""", """\
n_embd = 10 # the dimensionality of the character embedding vectors
n_hidden = 64 # the number of neurons in the hidden layer of the MLP

g = torch.Generator().manual_seed(2147483647) # for reproducibility
C  = torch.randn((vocab_size, n_embd),            generator=g)
# Layer 1
W1 = torch.randn((n_embd * block_size, n_hidden), generator=g) * (5/3)/((n_embd * block_size)**0.5)
b1 = torch.randn(n_hidden,                        generator=g) * 0.1 # using b1 just for fun, it's useless because of BN
# Layer 2
W2 = torch.randn((n_hidden, vocab_size),          generator=g) * 0.1
b2 = torch.randn(vocab_size,                      generator=g) * 0.1
# BatchNorm parameters
bngain = torch.randn((1, n_hidden))*0.1 + 1.0
bnbias = torch.randn((1, n_hidden))*0.1

# Note: I am initializating many of these parameters in non-standard ways
# because sometimes initializating with e.g. all zeros could mask an incorrect
# implementation of the backward pass.

parameters = [C, W1, b1, W2, b2, bngain, bnbias]
print(sum(p.nelement() for p in parameters)) # number of parameters in total
for p in parameters:
  p.requires_grad = True
""", """\
batch_size = 32
n = batch_size # a shorter variable also, for convenience
# construct a minibatch
ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)
Xb, Yb = Xtr[ix], Ytr[ix] # batch X,Y
""", """\
# forward pass, "chunkated" into smaller steps that are possible to backward one at a time

emb = C[Xb] # embed the characters into vectors
embcat = emb.view(emb.shape[0], -1) # concatenate the vectors
# Linear layer 1
hprebn = embcat @ W1 + b1 # hidden layer pre-activation
# BatchNorm layer
bnmeani = 1/n*hprebn.sum(0, keepdim=True)
bndiff = hprebn - bnmeani
bndiff2 = bndiff**2
bnvar = 1/(n-1)*(bndiff2).sum(0, keepdim=True) # note: Bessel's correction (dividing by n-1, not n)
bnvar_inv = (bnvar + 1e-5)**-0.5
bnraw = bndiff * bnvar_inv
hpreact = bngain * bnraw + bnbias
# Non-linearity
h = torch.tanh(hpreact) # hidden layer
# Linear layer 2
logits = h @ W2 + b2 # output layer
# cross entropy loss (same as F.cross_entropy(logits, Yb))
logit_maxes = logits.max(1, keepdim=True).values
norm_logits = logits - logit_maxes # subtract max for numerical stability
counts = norm_logits.exp()
counts_sum = counts.sum(1, keepdims=True)
counts_sum_inv = counts_sum**-1 # if I use (1.0 / counts_sum) instead then I can't get backprop to be bit exact...
probs = counts * counts_sum_inv
logprobs = probs.log()
loss = -logprobs[range(n), Yb].mean()

# PyTorch backward pass
for p in parameters:
  p.grad = None
for t in [logprobs, probs, counts, counts_sum, counts_sum_inv, # afaik there is no cleaner way
          norm_logits, logit_maxes, logits, h, hpreact, bnraw,
         bnvar_inv, bnvar, bndiff2, bndiff, hprebn, bnmeani,
         embcat, emb]:
  t.retain_grad()
loss.backward()
loss
"""]
_BP_EX1 = """\
# Exercise 1: backprop through the whole thing manually, 
# backpropagating through exactly all of the variables 
# as they are defined in the forward pass above, one by one

dlogprobs = torch.zeros_like(logprobs)
dlogprobs[range(n), Yb] = -1.0/n
dprobs = (1.0 / probs) * dlogprobs
dcounts_sum_inv = (counts * dprobs).sum(1, keepdim=True)
dcounts = counts_sum_inv * dprobs
dcounts_sum = (-counts_sum**-2) * dcounts_sum_inv
dcounts += torch.ones_like(counts) * dcounts_sum
dnorm_logits = counts * dcounts
dlogits = dnorm_logits.clone()
dlogit_maxes = (-dnorm_logits).sum(1, keepdim=True)
dlogits += F.one_hot(logits.max(1).indices, num_classes=logits.shape[1]) * dlogit_maxes
dh = dlogits @ W2.T
dW2 = h.T @ dlogits
db2 = dlogits.sum(0)
dhpreact = (1.0 - h**2) * dh
dbngain = (bnraw * dhpreact).sum(0, keepdim=True)
dbnraw = bngain * dhpreact
dbnbias = dhpreact.sum(0, keepdim=True)
dbndiff = bnvar_inv * dbnraw
dbnvar_inv = (bndiff * dbnraw).sum(0, keepdim=True)
dbnvar = (-0.5*(bnvar + 1e-5)**-1.5) * dbnvar_inv
dbndiff2 = (1.0/(n-1))*torch.ones_like(bndiff2) * dbnvar
dbndiff += (2*bndiff) * dbndiff2
dhprebn = dbndiff.clone()
dbnmeani = (-dbndiff).sum(0)
dhprebn += 1.0/n * (torch.ones_like(hprebn) * dbnmeani)
dembcat = dhprebn @ W1.T
dW1 = embcat.T @ dhprebn
db1 = dhprebn.sum(0)
demb = dembcat.view(emb.shape)
dC = torch.zeros_like(C)
for k in range(Xb.shape[0]):
  for j in range(Xb.shape[1]):
    ix = Xb[k,j]
    dC[ix] += demb[k,j]
    
cmp('logprobs', dlogprobs, logprobs)
cmp('probs', dprobs, probs)
cmp('counts_sum_inv', dcounts_sum_inv, counts_sum_inv)
cmp('counts_sum', dcounts_sum, counts_sum)
cmp('counts', dcounts, counts)
cmp('norm_logits', dnorm_logits, norm_logits)
cmp('logit_maxes', dlogit_maxes, logit_maxes)
cmp('logits', dlogits, logits)
cmp('h', dh, h)
cmp('W2', dW2, W2)
cmp('b2', db2, b2)
cmp('hpreact', dhpreact, hpreact)
cmp('bngain', dbngain, bngain)
cmp('bnbias', dbnbias, bnbias)
cmp('bnraw', dbnraw, bnraw)
cmp('bnvar_inv', dbnvar_inv, bnvar_inv)
cmp('bnvar', dbnvar, bnvar)
cmp('bndiff2', dbndiff2, bndiff2)
cmp('bndiff', dbndiff, bndiff)
cmp('bnmeani', dbnmeani, bnmeani)
cmp('hprebn', dhprebn, hprebn)
cmp('embcat', dembcat, embcat)
cmp('W1', dW1, W1)
cmp('b1', db1, b1)
cmp('emb', demb, emb)
cmp('C', dC, C)
"""
_BP_EX2 = ["""\
loss_fast = F.cross_entropy(logits, Yb)
print(loss_fast.item(), 'diff:', (loss_fast - loss).item())
""", """\
# backward pass

dlogits = F.softmax(logits, 1)
dlogits[range(n), Yb] -= 1
dlogits /= n

cmp('logits', dlogits, logits) # I can only get approximate to be true, my maxdiff is 6e-9
""", "logits.shape, Yb.shape", "F.softmax(logits, 1)[0]", "dlogits[0] * n", "dlogits[0].sum()"]
_BP_EX3 = ["""\
hpreact_fast = bngain * (hprebn - hprebn.mean(0, keepdim=True)) / torch.sqrt(hprebn.var(0, keepdim=True, unbiased=True) + 1e-5) + bnbias
print('max diff:', (hpreact_fast - hpreact).abs().max())
""", """\
dhprebn = bngain*bnvar_inv/n * (n*dhpreact - dhpreact.sum(0) - n/(n-1)*bnraw*(dhpreact*bnraw).sum(0))

cmp('hprebn', dhprebn, hprebn) # I can only get approximate to be true, my maxdiff is 9e-10
""", "dhprebn.shape, bngain.shape, bnvar_inv.shape, dbnraw.shape, dbnraw.sum(0).shape"]
_BP_FIX = [("torch.randn((vocab_size, n_embd),            generator=g)",
            "torch.linspace(-1, 1, vocab_size * n_embd).view(vocab_size, n_embd)"),
           ("torch.randn((n_embd * block_size, n_hidden), generator=g)",
            "torch.linspace(-1.5, 1.2, n_embd * block_size * n_hidden).view(n_hidden, -1).T"),
           ("torch.randn(n_hidden,                        generator=g)", "torch.linspace(-1, 2, n_hidden)"),
           ("torch.randn((n_hidden, vocab_size),          generator=g)",
            "torch.linspace(-2, 1.7, n_hidden * vocab_size).view(vocab_size, -1).T"),
           ("torch.randn(vocab_size,                      generator=g)", "torch.linspace(1, -1, vocab_size)"),
           ("torch.randn((1, n_hidden))*0.1 + 1.0", "torch.linspace(-1, 1, n_hidden).view(1, -1)*0.1 + 1.0"),
           ("torch.randn((1, n_hidden))*0.1", "torch.linspace(1, -0.5, n_hidden).view(1, -1)*0.1"),
           ("torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)",
            "torch.arange(0, 5 * batch_size, 5) % Xtr.shape[0]")]
_BP_NOTE = _TEN_NOTE + "; the lecture's markdown-only and plotting cells dropped"
_BP_FIX_NOTE = _BP_NOTE + "; parameters and the minibatch fixed patterns instead of random draws"
case("zth-backprop-ex1", "zth-backprop", _BP_HEAD + [_BP_EX1], cells=True, mask="numbers", note=_BP_NOTE)
_BP_MM = ("float32 matrix product embcat @ W1 (32×30 @ 30×64: MKL's sgemm, whose order for small shapes "
          "gradlab does not follow; a quarter of hprebn's elements differ in the last bit)")
case("zth-backprop-ex1-fixed", "zth-backprop", _fixed(_BP_HEAD, _BP_FIX) + [_BP_EX1], cells=True, note=_BP_FIX_NOTE,
     differs=[_BP_MM])
case("zth-backprop-cross-entropy", "zth-backprop", _BP_HEAD + _BP_EX2, cells=True, mask="numbers", note=_BP_NOTE)
case("zth-backprop-cross-entropy-fixed", "zth-backprop", _fixed(_BP_HEAD, _BP_FIX) + _BP_EX2, cells=True,
     note=_BP_FIX_NOTE,
     differs=["float32 exp to PyTorch's last bit (the softmax written out by hand; F.cross_entropy matches)"])
case("zth-backprop-batchnorm", "zth-backprop", _BP_HEAD + [_BP_EX1] + _BP_EX3, cells=True, mask="numbers", note=_BP_NOTE)
case("zth-backprop-batchnorm-fixed", "zth-backprop", _fixed(_BP_HEAD, _BP_FIX) + [_BP_EX1] + _BP_EX3, cells=True,
     note=_BP_FIX_NOTE, differs=[_BP_MM])

# == Deep Learning with PyTorch, chapter 5: the thermometer, by autograd and by optim =================

_DL_DATA = """\
t_c = torch.tensor([0.5, 14.0, 15.0, 28.0, 11.0, 8.0,
                    3.0, -4.0, 6.0, 13.0, 21.0])
t_u = torch.tensor([35.7, 55.9, 58.2, 81.9, 56.3, 48.9,
                    33.9, 21.8, 48.4, 60.4, 68.4])
t_un = 0.1 * t_u
"""
_DL_MODEL = ["""\
def model(t_u, w, b):
    return w * t_u + b
""", """\
def loss_fn(t_p, t_c):
    squared_diffs = (t_p - t_c)**2
    return squared_diffs.mean()
"""]
case("dlwpt-autograd", "dlwpt-autograd", ["import numpy as np\nimport torch\ntorch.set_printoptions(edgeitems=2)",
                                           _DL_DATA] + _DL_MODEL + ["""\
params = torch.tensor([1.0, 0.0], requires_grad=True)
""", "params.grad is None", """\
loss = loss_fn(model(t_u, *params), t_c)
loss.backward()

params.grad
""", """\
if params.grad is not None:
    params.grad.zero_()
""", """\
def training_loop(n_epochs, learning_rate, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        if params.grad is not None:  # <1>
            params.grad.zero_()
        
        t_p = model(t_u, *params) 
        loss = loss_fn(t_p, t_c)
        loss.backward()
        
        with torch.no_grad():  # <2>
            params -= learning_rate * params.grad

        if epoch % 500 == 0:
            print('Epoch %d, Loss %f' % (epoch, float(loss)))
            
    return params
""", """\
training_loop(
    n_epochs = 5000, 
    learning_rate = 1e-2, 
    params = torch.tensor([1.0, 0.0], requires_grad=True), # <1> 
    t_u = t_un, # <2> 
    t_c = t_c)
"""], cells=True)

_DL_OPT_HEAD = ["import numpy as np\nimport torch\ntorch.set_printoptions(edgeitems=2, linewidth=75)",
                _DL_DATA] + _DL_MODEL + ["import torch.optim as optim"]
_DL_LOOP = """\
def training_loop(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params) 
        loss = loss_fn(t_p, t_c)
        
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        if epoch % 500 == 0:
            print('Epoch %d, Loss %f' % (epoch, float(loss)))
            
    return params
"""
case("dlwpt-optim-sgd", "dlwpt-optim", _DL_OPT_HEAD + ["""\
params = torch.tensor([1.0, 0.0], requires_grad=True)
learning_rate = 1e-5
optimizer = optim.SGD([params], lr=learning_rate)
""", """\
t_p = model(t_u, *params)
loss = loss_fn(t_p, t_c)
loss.backward()

optimizer.step()

params
""", """\
params = torch.tensor([1.0, 0.0], requires_grad=True)
learning_rate = 1e-2
optimizer = optim.SGD([params], lr=learning_rate)

t_p = model(t_un, *params)
loss = loss_fn(t_p, t_c)

optimizer.zero_grad() # <1>
loss.backward()
optimizer.step()

params
""", _DL_LOOP, """\
params = torch.tensor([1.0, 0.0], requires_grad=True)
learning_rate = 1e-2
optimizer = optim.SGD([params], lr=learning_rate) # <1>

training_loop(
    n_epochs = 5000, 
    optimizer = optimizer,
    params = params, # <1> 
    t_u = t_un,
    t_c = t_c)
"""], cells=True, note="the dir(optim) cell dropped (it lists the optimizers torch has)")
case("dlwpt-optim-adam", "dlwpt-optim", _DL_OPT_HEAD + [_DL_LOOP, """\
params = torch.tensor([1.0, 0.0], requires_grad=True)
learning_rate = 1e-1
optimizer = optim.Adam([params], lr=learning_rate) # <1>

training_loop(
    n_epochs = 2000, 
    optimizer = optimizer,
    params = params,
    t_u = t_u, # <2> 
    t_c = t_c)
"""], cells=True, differs=["float32 sqrt to PyTorch's last bit (Adam's denominator; its running averages match)"])

_DL_SPLIT = ["""\
n_samples = t_u.shape[0]
n_val = int(0.2 * n_samples)

shuffled_indices = torch.randperm(n_samples)

train_indices = shuffled_indices[:-n_val]
val_indices = shuffled_indices[-n_val:]

train_indices, val_indices  # <1>
""", """\
train_t_u = t_u[train_indices]
train_t_c = t_c[train_indices]

val_t_u = t_u[val_indices]
val_t_c = t_c[val_indices]

train_t_un = 0.1 * train_t_u
val_t_un = 0.1 * val_t_u
""", """\
def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u,
                  train_t_c, val_t_c):
    for epoch in range(1, n_epochs + 1):
        train_t_p = model(train_t_u, *params) # <1>
        train_loss = loss_fn(train_t_p, train_t_c)
                             
        val_t_p = model(val_t_u, *params) # <1>
        val_loss = loss_fn(val_t_p, val_t_c)
        
        optimizer.zero_grad()
        train_loss.backward() # <2>
        optimizer.step()

        if epoch <= 3 or epoch % 500 == 0:
            print(f"Epoch {epoch}, Training loss {train_loss.item():.4f},"
                  f" Validation loss {val_loss.item():.4f}")
            
    return params
""", """\
params = torch.tensor([1.0, 0.0], requires_grad=True)
learning_rate = 1e-2
optimizer = optim.SGD(params, lr=learning_rate)

training_loop(
    n_epochs = 3000, 
    optimizer = optimizer,
    params = params,
    train_t_u = train_t_un, # <1> 
    val_t_u = val_t_un, # <1> 
    train_t_c = train_t_c,
    val_t_c = val_t_c)
""".replace("optim.SGD(params,", "optim.SGD([params],"), """\
def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u,
                  train_t_c, val_t_c):
    for epoch in range(1, n_epochs + 1):
        train_t_p = model(train_t_u, *params)
        train_loss = loss_fn(train_t_p, train_t_c)

        with torch.no_grad(): # <1>
            val_t_p = model(val_t_u, *params)
            val_loss = loss_fn(val_t_p, val_t_c)
            assert val_loss.requires_grad == False # <2>
            
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
""", """\
def calc_forward(t_u, t_c, is_train):
    with torch.set_grad_enabled(is_train):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
    return loss
""", "calc_forward(t_un, t_c, True), calc_forward(t_un, t_c, False)"]
case("dlwpt-optim-validation", "dlwpt-optim", _DL_OPT_HEAD + _DL_SPLIT, cells=True, mask="numbers",
     note="calc_forward called once each way (the notebook only defines it)")
case("dlwpt-optim-validation-fixed", "dlwpt-optim", _DL_OPT_HEAD + _fixed(_DL_SPLIT, [
    ("torch.randperm(n_samples)", "torch.tensor([3, 9, 0, 6, 1, 7, 10, 4, 2, 8, 5])")]), cells=True,
    note="torch.randperm replaced by a fixed permutation; calc_forward called once each way")

# == UvA deep learning course, tutorial 2: Introduction to PyTorch ==================================

case("uvadlc-tensors", "uvadlc-intro", ["import numpy as np\nimport torch", "torch.manual_seed(42) # Setting the seed", """\
# Create a tensor from a (nested) list
x = torch.Tensor([[1, 2], [3, 4]])
print(x)
""", """\
np_arr = np.array([[1, 2], [3, 4]])
tensor = torch.from_numpy(np_arr)

print("Numpy array:", np_arr)
print("PyTorch tensor:", tensor)
""", """\
tensor = torch.arange(4)
np_arr = tensor.numpy()

print("PyTorch tensor:", tensor)
print("Numpy array:", np_arr)
""", 'x = torch.arange(6)\nprint("X", x)', 'x = x.view(2, 3)\nprint("X", x)',
    'x = x.permute(1, 0) # Swapping dimension 0 and 1\nprint("X", x)',
    'x = torch.arange(6)\nx = x.view(2, 3)\nprint("X", x)',
    'W = torch.arange(9).view(3, 3) # We can also stack multiple operations in a single line\nprint("W", W)',
    'h = torch.matmul(x, W) # Verify the result by calculating it by hand too!\nprint("h", h)',
    'x = torch.arange(12).view(3, 4)\nprint("X", x)', "print(x[:, 1])   # Second column",
    "print(x[0])      # First row", "print(x[:2, -1]) # First two rows, last column",
    "print(x[1:3, :]) # Middle two rows"], cells=True,
    note="the cells with torch.rand and torch.Tensor(2, 3, 4) (uninitialised memory) are in uvadlc-random")
case("uvadlc-random", "uvadlc-intro", ["import torch", "torch.manual_seed(42) # Setting the seed", """\
# Create a tensor with random values between 0 and 1 with the shape [2, 3, 4]
x = torch.rand(2, 3, 4)
print(x)
""", """\
shape = x.shape
print("Shape:", x.shape)

size = x.size()
print("Size:", size)

dim1, dim2, dim3 = x.size()
print("Size:", dim1, dim2, dim3)
""", """\
x1 = torch.rand(2, 3)
x2 = torch.rand(2, 3)
y = x1 + x2

print("X1", x1)
print("X2", x2)
print("Y", y)
""", """\
x1 = torch.rand(2, 3)
x2 = torch.rand(2, 3)
print("X1 (before)", x1)
print("X2 (before)", x2)

x2.add_(x1)
print("X1 (after)", x1)
print("X2 (after)", x2)
"""], cells=True, mask="numbers", why="uvadlc-tensors checks the deterministic tensor cells exactly; these are about rand")
case("uvadlc-autograd", "uvadlc-intro", ["import torch", """\
x = torch.ones((3,))
print(x.requires_grad)
""", "x.requires_grad_(True)\nprint(x.requires_grad)", """\
x = torch.arange(3, dtype=torch.float32, requires_grad=True) # Only float tensors can have gradients
print("X", x)
""", """\
a = x + 2
b = a ** 2
c = b + 3
y = c.mean()
print("Y", y)
""", "y.backward()", "print(x.grad)", """\
gpu_avail = torch.cuda.is_available()
print(f"Is the GPU available? {gpu_avail}")
""", """\
device = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")
print("Device", device)
""", 'x = torch.zeros(2, 3)\nx = x.to(device)\nprint("X", x)', """\
# GPU operations have a separate seed we also want to set
if torch.cuda.is_available():
    torch.cuda.manual_seed(42)
    torch.cuda.manual_seed_all(42)

# Additionally, some operations on a GPU are implemented stochastic for efficiency
# We want to ensure that all operations are deterministic on GPU (if used) for reproducibility
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
"""], cells=True, note="the CPU/GPU timing cell dropped")

_UVA_MODEL = ["import torch\nimport torch.nn as nn\nimport torch.nn.functional as F", """\
class MyModule(nn.Module):

    def __init__(self):
        super().__init__()
        # Some init for my module

    def forward(self, x):
        # Function for performing the calculation of the module.
        pass
""", """\
class SimpleClassifier(nn.Module):

    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        # Initialize the modules we need to build the network
        self.linear1 = nn.Linear(num_inputs, num_hidden)
        self.act_fn = nn.Tanh()
        self.linear2 = nn.Linear(num_hidden, num_outputs)

    def forward(self, x):
        # Perform the calculation of the model to determine the prediction
        x = self.linear1(x)
        x = self.act_fn(x)
        x = self.linear2(x)
        return x
""", """\
model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
# Printing a module shows all its submodules
print(model)
""", """\
for name, param in model.named_parameters():
    print(f"Parameter {name}, shape {param.shape}")
"""]
case("uvadlc-module", "uvadlc-intro", _UVA_MODEL, cells=True)
_UVA_DATA = ["import torch.utils.data as data", """\
class XORDataset(data.Dataset):

    def __init__(self, size, std=0.1):
        \"\"\"
        Inputs:
            size - Number of data points we want to generate
            std - Standard deviation of the noise (see generate_continuous_xor function)
        \"\"\"
        super().__init__()
        self.size = size
        self.std = std
        self.generate_continuous_xor()

    def generate_continuous_xor(self):
        # Each data point in the XOR dataset has two variables, x and y, that can be either 0 or 1
        # The label is their XOR combination, i.e. 1 if only x or only y is 1 while the other is 0.
        # If x=y, the label is 0.
        data = torch.randint(low=0, high=2, size=(self.size, 2), dtype=torch.float32)
        label = (data.sum(dim=1) == 1).to(torch.long)
        # To make it slightly more challenging, we add a bit of gaussian noise to the data points.
        data += self.std * torch.randn(data.shape)

        self.data = data
        self.label = label

    def __len__(self):
        # Number of data point we have. Alternatively self.data.shape[0], or self.label.shape[0]
        return self.size

    def __getitem__(self, idx):
        # Return the idx-th data point of the dataset
        # If we have multiple things to return (data point and label), we can return them as tuple
        data_point = self.data[idx]
        data_label = self.label[idx]
        return data_point, data_label
""", """\
dataset = XORDataset(size=200)
print("Size of dataset:", len(dataset))
print("Data point 0:", dataset[0])
""", "data_loader = data.DataLoader(dataset, batch_size=8, shuffle=True)", """\
# next(iter(...)) catches the first batch of the data loader
# If shuffle is True, this will return a different batch every time we run this cell
# For iterating over the whole dataset, we can simple use "for batch in data_loader: ..."
data_inputs, data_labels = next(iter(data_loader))

# The shape of the outputs are [batch_size, d_1,...,d_N] where d_1,...,d_N are the
# dimensions of the data point returned from the dataset class
print("Data inputs", data_inputs.shape, "\\n", data_inputs)
print("Data labels", data_labels.shape, "\\n", data_labels)
"""]
case("uvadlc-dataset", "uvadlc-intro", _UVA_MODEL[:1] + _UVA_DATA, cells=True, mask="numbers",
     why="the XOR data and the batch order are random draws; uvadlc-train-fixed checks a fixed dataset")
_UVA_TRAIN = ["loss_module = nn.BCEWithLogitsLoss()", """\
# Input to the optimizer are the parameters of the model: model.parameters()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
""", """\
train_dataset = XORDataset(size=2500)
train_data_loader = data.DataLoader(train_dataset, batch_size=128, shuffle=True)
""", "device = torch.device('cpu')", """\
# Push model to device. Has to be only done once
model.to(device)
""", """\
def train_model(model, optimizer, data_loader, loss_module, num_epochs=100):
    # Set model to train mode
    model.train()

    # Training loop
    for epoch in range(num_epochs):
        for data_inputs, data_labels in data_loader:

            ## Step 1: Move input data to device (only strictly necessary if we use GPU)
            data_inputs = data_inputs.to(device)
            data_labels = data_labels.to(device)

            ## Step 2: Run the model on the input data
            preds = model(data_inputs)
            preds = preds.squeeze(dim=1) # Output is [Batch size, 1], but we want [Batch size]

            ## Step 3: Calculate the loss
            loss = loss_module(preds, data_labels.float())

            ## Step 4: Perform backpropagation
            # Before calculating the gradients, we need to ensure that they are all zero.
            # The gradients would not be overwritten, but actually added to the existing ones.
            optimizer.zero_grad()
            # Perform backpropagation
            loss.backward()

            ## Step 5: Update the parameters
            optimizer.step()
""", "train_model(model, optimizer, train_data_loader, loss_module)", """\
state_dict = model.state_dict()
print(state_dict)
""", _IN_TMP + """\
# torch.save(object, filename). For the filename, any extension can be used
torch.save(state_dict, "our_model.tar")
""", """\
# Load state dict from the disk (make sure it is the same name as above)
state_dict = torch.load("our_model.tar")

# Create a new model and load the state
new_model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
new_model.load_state_dict(state_dict)

# Verify that the parameters are the same
print("Original model\\n", model.state_dict())
print("\\nLoaded model\\n", new_model.state_dict())
""", """\
test_dataset = XORDataset(size=500)
# drop_last -> Don't drop the last batch although it is smaller than 128
test_data_loader = data.DataLoader(test_dataset, batch_size=128, shuffle=False, drop_last=False)
""", """\
def eval_model(model, data_loader):
    model.eval() # Set model to eval mode
    true_preds, num_preds = 0., 0.

    with torch.no_grad(): # Deactivate gradients for the following code
        for data_inputs, data_labels in data_loader:

            # Determine prediction of model on dev set
            data_inputs, data_labels = data_inputs.to(device), data_labels.to(device)
            preds = model(data_inputs)
            preds = preds.squeeze(dim=1)
            preds = torch.sigmoid(preds) # Sigmoid to map predictions between 0 and 1
            pred_labels = (preds >= 0.5).long() # Binarize predictions to 0 and 1

            # Keep records of predictions for the accuracy metric (true_preds=TP+TN, num_preds=TP+TN+FP+FN)
            true_preds += (pred_labels == data_labels).sum()
            num_preds += data_labels.shape[0]

    acc = true_preds / num_preds
    print(f"Accuracy of the model: {100.0*acc:4.2f}%")
""", "eval_model(model, test_data_loader)"]
_UVA_NOTE = ("tqdm's progress bar dropped from the loop; device set to the CPU in its own cell (the notebook "
             "sets it in the GPU section); " + _TMP_NOTE)
case("uvadlc-train", "uvadlc-intro", _UVA_MODEL + _UVA_DATA + _UVA_TRAIN, cells=True, mask="numbers", note=_UVA_NOTE)
case("uvadlc-train-fixed", "uvadlc-intro", _fixed(_UVA_MODEL + _UVA_DATA + _UVA_TRAIN, [
    ("data = torch.randint(low=0, high=2, size=(self.size, 2), dtype=torch.float32)",
     "data = (torch.arange(self.size).view(-1, 1) % torch.tensor([2, 3]) == 0).to(torch.float32)"),
    ("self.std * torch.randn(data.shape)", "self.std * torch.linspace(-1, 1, data.numel()).view(data.shape)"),
    ("shuffle=True", "shuffle=False"), ("num_epochs=100", "num_epochs=10"),
    ("model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)\n# Printing",
     "model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)\nwith torch.no_grad():\n"
     "    for p in model.parameters():\n        p.copy_(torch.linspace(-0.5, 0.5, p.numel()).view(p.shape))\n# Printing")]),
    cells=True, note=_UVA_NOTE + "; the XOR data, the initial weights fixed patterns, shuffle=False, 10 epochs")

# == Daniel Bourke's Learn PyTorch, 01: the PyTorch workflow =========================================

_MDB_DATA = ["import torch\nfrom torch import nn # nn contains all of PyTorch's building blocks for neural networks", """\
# Create *known* parameters
weight = 0.7
bias = 0.3

# Create data
start = 0
end = 1
step = 0.02
X = torch.arange(start, end, step).unsqueeze(dim=1)
y = weight * X + bias

X[:10], y[:10]
""", """\
# Create train/test split
train_split = int(0.8 * len(X)) # 80% of data used for training set, 20% for testing 
X_train, y_train = X[:train_split], y[:train_split]
X_test, y_test = X[train_split:], y[train_split:]

len(X_train), len(y_train), len(X_test), len(y_test)
"""]
_MDB_MODEL = ["""\
# Create a Linear Regression model class
class LinearRegressionModel(nn.Module): # <- almost everything in PyTorch is a nn.Module (think of this as neural network lego blocks)
    def __init__(self):
        super().__init__() 
        self.weights = nn.Parameter(torch.randn(1, # <- start with random weights (this will get adjusted as the model learns)
                                                dtype=torch.float), # <- PyTorch loves float32 by default
                                   requires_grad=True) # <- can we update this value with gradient descent?)

        self.bias = nn.Parameter(torch.randn(1, # <- start with random bias (this will get adjusted as the model learns)
                                            dtype=torch.float), # <- PyTorch loves float32 by default
                                requires_grad=True) # <- can we update this value with gradient descent?))

    # Forward defines the computation in the model
    def forward(self, x: torch.Tensor) -> torch.Tensor: # <- "x" is the input data (e.g. training/testing features)
        return self.weights * x + self.bias # <- this is the linear regression formula (y = m*x + b)
""", """\
# Set manual seed since nn.Parameter are randomly initialized
torch.manual_seed(42)

# Create an instance of the model (this is a subclass of nn.Module that contains nn.Parameter(s))
model_0 = LinearRegressionModel()

# Check the nn.Parameter(s) within the nn.Module subclass we created
list(model_0.parameters())
""", """\
# List named parameters 
model_0.state_dict()
""", """\
# Make predictions with model
with torch.inference_mode(): 
    y_preds = model_0(X_test)
""", """\
# Check the predictions
print(f"Number of testing samples: {len(X_test)}") 
print(f"Number of predictions made: {len(y_preds)}")
print(f"Predicted values:\\n{y_preds}")
""", "y_test - y_preds", """\
# Create the loss function
loss_fn = nn.L1Loss() # MAE loss is same as L1Loss

# Create the optimizer
optimizer = torch.optim.SGD(params=model_0.parameters(), # parameters of target model to optimize
                            lr=0.01) # learning rate (how much the optimizer should change parameters at each step, higher=more (less stable), lower=less (might take a long time))
""", """\
torch.manual_seed(42)

# Set the number of epochs (how many times the model will pass over the training data)
epochs = 100

# Create empty loss lists to track values
train_loss_values = []
test_loss_values = []
epoch_count = []

for epoch in range(epochs):
    ### Training

    # Put model in training mode (this is the default state of a model)
    model_0.train()

    # 1. Forward pass on train data using the forward() method inside 
    y_pred = model_0(X_train)
    # print(y_pred)

    # 2. Calculate the loss (how different are our models predictions to the ground truth)
    loss = loss_fn(y_pred, y_train)

    # 3. Zero grad of the optimizer
    optimizer.zero_grad()

    # 4. Loss backwards
    loss.backward()

    # 5. Progress the optimizer
    optimizer.step()

    ### Testing

    # Put the model in evaluation mode
    model_0.eval()

    with torch.inference_mode():
      # 1. Forward pass on test data
      test_pred = model_0(X_test)

      # 2. Caculate loss on test data
      test_loss = loss_fn(test_pred, y_test.type(torch.float)) # predictions come in torch.float datatype, so comparisons need to be done with tensors of the same type

      # Print out what's happening
      if epoch % 10 == 0:
            epoch_count.append(epoch)
            train_loss_values.append(loss.detach().numpy())
            test_loss_values.append(test_loss.detach().numpy())
            print(f"Epoch: {epoch} | MAE Train Loss: {loss} | MAE Test Loss: {test_loss} ")
""", """\
# Find our model's learned parameters
print("The model learned the following values for weights and bias:")
print(model_0.state_dict())
print("\\nAnd the original values for weights and bias are:")
print(f"weights: {weight}, bias: {bias}")
""", """\
# 1. Set the model in evaluation mode
model_0.eval()

# 2. Setup the inference mode context manager
with torch.inference_mode():
  # 3. Make sure the calculations are done with the model and targets on the same device
  # model_0.to(device)
  # X_test = X_test.to(device)
  y_preds = model_0(X_test)
y_preds
""", _IN_TMP + """\
from pathlib import Path

# 1. Create models directory 
MODEL_PATH = Path("models")
MODEL_PATH.mkdir(parents=True, exist_ok=True)

# 2. Create model save path 
MODEL_NAME = "01_pytorch_workflow_model_0.pth"
MODEL_SAVE_PATH = MODEL_PATH / MODEL_NAME

# 3. Save the model state dict 
print(f"Saving model to: {MODEL_SAVE_PATH}")
torch.save(obj=model_0.state_dict(), # only saving the state_dict() only saves the models learned parameters
           f=MODEL_SAVE_PATH) 
""", """\
# Instantiate a new instance of our model (this will be instantiated with random weights)
loaded_model_0 = LinearRegressionModel()

# Load the state_dict of our saved model (this will update the new instance of our model with trained weights)
loaded_model_0.load_state_dict(torch.load(f=MODEL_SAVE_PATH))
""", """\
# 1. Put the loaded model into evaluation mode
loaded_model_0.eval()

# 2. Use the inference mode context manager to make predictions
with torch.inference_mode():
    loaded_model_preds = loaded_model_0(X_test) # perform a forward pass on the test data with the loaded model
""", """\
# Compare previous model predictions with loaded model predictions (these should be the same)
y_preds == loaded_model_preds
"""]
_MDB_NOTE = "the plotting cells and the `!ls` shell cell dropped; " + _TMP_NOTE
case("mdb-data", "mdb-workflow", _MDB_DATA, cells=True)
case("mdb-workflow", "mdb-workflow", _MDB_DATA + _MDB_MODEL, cells=True, mask="numbers", note=_MDB_NOTE)
case("mdb-workflow-fixed", "mdb-workflow", _MDB_DATA + _fixed(_MDB_MODEL, [
    ("model_0 = LinearRegressionModel()\n", "model_0 = LinearRegressionModel()\nwith torch.no_grad():\n"
     "    model_0.weights.fill_(0.3367)\n    model_0.bias.fill_(0.1288)\n")]), cells=True,
    note=_MDB_NOTE + "; model_0's weights set to the values the notebook prints for torch.manual_seed(42)")


# == makemore part 3: a deeper MLP with batch norm, written as PyTorch-like classes ================

SOURCES["zth-bn"] = (ZTH, "lectures/makemore/makemore_part3_bn.ipynb", "73c3fcc741f0ec104ca850b1fb0df90e7e8d4cde")
_BN_LAYERS = """\
# Let's train a deeper network
# The classes we create here are the same API as nn.Module in PyTorch

class Linear:
  
  def __init__(self, fan_in, fan_out, bias=True):
    self.weight = torch.randn((fan_in, fan_out), generator=g) / fan_in**0.5
    self.bias = torch.zeros(fan_out) if bias else None
  
  def __call__(self, x):
    self.out = x @ self.weight
    if self.bias is not None:
      self.out += self.bias
    return self.out
  
  def parameters(self):
    return [self.weight] + ([] if self.bias is None else [self.bias])


class BatchNorm1d:
  
  def __init__(self, dim, eps=1e-5, momentum=0.1):
    self.eps = eps
    self.momentum = momentum
    self.training = True
    # parameters (trained with backprop)
    self.gamma = torch.ones(dim)
    self.beta = torch.zeros(dim)
    # buffers (trained with a running 'momentum update')
    self.running_mean = torch.zeros(dim)
    self.running_var = torch.ones(dim)
  
  def __call__(self, x):
    # calculate the forward pass
    if self.training:
      xmean = x.mean(0, keepdim=True) # batch mean
      xvar = x.var(0, keepdim=True) # batch variance
    else:
      xmean = self.running_mean
      xvar = self.running_var
    xhat = (x - xmean) / torch.sqrt(xvar + self.eps) # normalize to unit variance
    self.out = self.gamma * xhat + self.beta
    # update the buffers
    if self.training:
      with torch.no_grad():
        self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean
        self.running_var = (1 - self.momentum) * self.running_var + self.momentum * xvar
    return self.out
  
  def parameters(self):
    return [self.gamma, self.beta]

class Tanh:
  def __call__(self, x):
    self.out = torch.tanh(x)
    return self.out
  def parameters(self):
    return []

n_embd = 10 # the dimensionality of the character embedding vectors
n_hidden = 100 # the number of neurons in the hidden layer of the MLP
g = torch.Generator().manual_seed(2147483647) # for reproducibility

C = torch.randn((vocab_size, n_embd),            generator=g)
layers = [
  Linear(n_embd * block_size, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
  Linear(           n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
  Linear(           n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
  Linear(           n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
  Linear(           n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
  Linear(           n_hidden, vocab_size, bias=False), BatchNorm1d(vocab_size),
]
# layers = [
#   Linear(n_embd * block_size, n_hidden), Tanh(),
#   Linear(           n_hidden, n_hidden), Tanh(),
#   Linear(           n_hidden, n_hidden), Tanh(),
#   Linear(           n_hidden, n_hidden), Tanh(),
#   Linear(           n_hidden, n_hidden), Tanh(),
#   Linear(           n_hidden, vocab_size),
# ]

with torch.no_grad():
  # last layer: make less confident
  layers[-1].gamma *= 0.1
  #layers[-1].weight *= 0.1
  # all other layers: apply gain
  for layer in layers[:-1]:
    if isinstance(layer, Linear):
      layer.weight *= 1.0 #5/3

parameters = [C] + [p for layer in layers for p in layer.parameters()]
print(sum(p.nelement() for p in parameters)) # number of parameters in total
for p in parameters:
  p.requires_grad = True
"""
_BN_TRAIN = """\
# same optimization as last time
max_steps = 200000
batch_size = 32
lossi = []
ud = []

for i in range(max_steps):
  
  # minibatch construct
  ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)
  Xb, Yb = Xtr[ix], Ytr[ix] # batch X,Y
  
  # forward pass
  emb = C[Xb] # embed the characters into vectors
  x = emb.view(emb.shape[0], -1) # concatenate the vectors
  for layer in layers:
    x = layer(x)
  loss = F.cross_entropy(x, Yb) # loss function
  
  # backward pass
  for layer in layers:
    layer.out.retain_grad() # AFTER_DEBUG: would take out retain_graph
  for p in parameters:
    p.grad = None
  loss.backward()
  
  # update
  lr = 0.1 if i < 150000 else 0.01 # step learning rate decay
  for p in parameters:
    p.data += -lr * p.grad

  # track stats
  if i % 10000 == 0: # print every once in a while
    print(f'{i:7d}/{max_steps:7d}: {loss.item():.4f}')
  lossi.append(loss.log10().item())
  with torch.no_grad():
    ud.append([((lr*p.grad).std() / p.data.std()).log10().item() for p in parameters])

  if i >= 1000:
    break # AFTER_DEBUG: would take out obviously to run full optimization
"""
_BN_STATS = ["""\
for i, layer in enumerate(layers[:-1]): # note: exclude the output layer
  if isinstance(layer, Tanh):
    t = layer.out
    print('layer %d (%10s): mean %+.2f, std %.2f, saturated: %.2f%%' % (i, layer.__class__.__name__, t.mean(), t.std(), (t.abs() > 0.97).float().mean()*100))
""", """\
for i, layer in enumerate(layers[:-1]): # note: exclude the output layer
  if isinstance(layer, Tanh):
    t = layer.out.grad
    print('layer %d (%10s): mean %+f, std %e' % (i, layer.__class__.__name__, t.mean(), t.std()))
""", """\
for i,p in enumerate(parameters):
  t = p.grad
  if p.ndim == 2:
    print('weight %10s | mean %+f | std %e | grad:data ratio %e' % (tuple(p.shape), t.mean(), t.std(), t.std() / p.std()))
""", """\
@torch.no_grad() # this decorator disables gradient tracking
def split_loss(split):
  x,y = {
    'train': (Xtr, Ytr),
    'val': (Xdev, Ydev),
    'test': (Xte, Yte),
  }[split]
  emb = C[x] # (N, block_size, n_embd)
  x = emb.view(emb.shape[0], -1) # concat into (N, block_size * n_embd)
  for layer in layers:
    x = layer(x)
  loss = F.cross_entropy(x, y)
  print(split, loss.item())

# put layers into eval mode
for layer in layers:
  layer.training = False
split_loss('train')
split_loss('val')
"""]
_BN_NOTE = _TEN_NOTE + "; the histogram plots dropped from the statistics cells (their printed lines kept)"
case("zth-bn-deep", "zth-bn", _BP_HEAD[:4] + [_BN_LAYERS, _BN_TRAIN] + _BN_STATS, cells=True, mask="numbers",
     note=_BN_NOTE)
case("zth-bn-deep-fixed", "zth-bn", _BP_HEAD[:4] + _fixed([_BN_LAYERS, _BN_TRAIN], [
    ("torch.randn((fan_in, fan_out), generator=g)", "torch.linspace(-1.7, 1.5, fan_in * fan_out).view(fan_out, fan_in).T"),
    ("torch.randn((vocab_size, n_embd),            generator=g)", "torch.linspace(-1, 1, vocab_size * n_embd).view(vocab_size, n_embd)"),
    ("torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)", "torch.arange(i, i + 5 * batch_size, 5) % Xtr.shape[0]"),
    ("if i >= 1000:", "if i >= 20:")]) + _BN_STATS, cells=True,
    note=_BN_NOTE + "; the weights and minibatches fixed patterns instead of random draws, 20 steps",
    differs=["float32 tanh forward to PyTorch's last bit (NumPy's differs on 12-39% of inputs: through five "
           "tanh layers and 20 steps the gradients' statistics differ in the fourth digit)"])

# == PyTorch tutorials: What is torch.nn really? (up to the CNN) ====================================

SOURCES["nn-tutorial"] = ("pytorch/tutorials", "beginner_source/nn_tutorial.py", "764a8d6aed986f155098d91ea55a1f0c95b26dd8")
# mnist.pkl.gz (a download) replaced by 320 training and 128 validation rows of 784 fixed "pixels"
# in [0, 1), the label of each the position of its largest first ten pixels (a linear model can learn it).
_MNIST = """\
import numpy as np
pixels = np.arange(448 * 784).reshape(448, 784)
images = ((pixels * 7919 + pixels // 784 * 104729) % 1000 / 1000).astype(np.float32)
labels = images[:, :10].argmax(1).astype(np.int64)
((x_train, y_train), (x_valid, y_valid)) = ((images[:320], labels[:320]), (images[320:], labels[320:]))
print(x_train.shape)
"""
_NN_SCRATCH = """\
import torch

x_train, y_train, x_valid, y_valid = map(
    torch.tensor, (x_train, y_train, x_valid, y_valid)
)
n, c = x_train.shape
print(x_train, y_train)
print(x_train.shape)
print(y_train.min(), y_train.max())

import math

weights = torch.randn(784, 10) / math.sqrt(784)
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)

def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)

def model(xb):
    return log_softmax(xb @ weights + bias)

bs = 64  # batch size

xb = x_train[0:bs]  # a mini-batch from x
preds = model(xb)  # predictions
preds[0], preds.shape
print(preds[0], preds.shape)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()

loss_func = nll

yb = y_train[0:bs]
print(loss_func(preds, yb))


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()

print(accuracy(preds, yb))

lr = 0.5  # learning rate
epochs = 2  # how many epochs to train for

for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        #         set_trace()
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()

print(loss_func(model(xb), yb), accuracy(model(xb), yb))

import torch.nn.functional as F

loss_func = F.cross_entropy

def model(xb):
    return xb @ weights + bias

print(loss_func(model(xb), yb), accuracy(model(xb), yb))
"""
_NN_NOTE = ("mnist.pkl.gz (a download) replaced by 448 rows of fixed pixels (320 to train, 128 to validate); "
            "the image plot and the IPython debugger import dropped")
_NN_WEIGHTS = [("torch.randn(784, 10) / math.sqrt(784)", "torch.linspace(-1, 1, 7840).view(10, 784).T / math.sqrt(784)")]
case("nn-tutorial-scratch", "nn-tutorial", _MNIST + _NN_SCRATCH, mask="numbers", note=_NN_NOTE)
case("nn-tutorial-scratch-fixed", "nn-tutorial", _MNIST + _fixed([_NN_SCRATCH], _NN_WEIGHTS)[0],
     note=_NN_NOTE + "; the random weights replaced by a fixed pattern",
     differs=["float32 784-long matrix products in BLAS's order (ulps apart, grown by ten steps at lr=0.5; "
           "the untrained predictions and loss match)"])
_NN_REFACTOR = """\
from torch import nn

class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(torch.randn(784, 10) / math.sqrt(784))
        self.bias = nn.Parameter(torch.zeros(10))

    def forward(self, xb):
        return xb @ self.weights + self.bias

model = Mnist_Logistic()

print(loss_func(model(xb), yb))

def fit():
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= p.grad * lr
                model.zero_grad()

fit()

print(loss_func(model(xb), yb))

class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(784, 10)

    def forward(self, xb):
        return self.lin(xb)

model = Mnist_Logistic()
print(loss_func(model(xb), yb))

fit()

print(loss_func(model(xb), yb))

from torch import optim

def get_model():
    model = Mnist_Logistic()
    return model, optim.SGD(model.parameters(), lr=lr)

model, opt = get_model()
print(loss_func(model(xb), yb))

for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

print(loss_func(model(xb), yb))

from torch.utils.data import TensorDataset

train_ds = TensorDataset(x_train, y_train)

model, opt = get_model()

for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        xb, yb = train_ds[i * bs: i * bs + bs]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

print(loss_func(model(xb), yb))

from torch.utils.data import DataLoader

train_ds = TensorDataset(x_train, y_train)
train_dl = DataLoader(train_ds, batch_size=bs)

model, opt = get_model()

for epoch in range(epochs):
    for xb, yb in train_dl:
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

print(loss_func(model(xb), yb))

train_ds = TensorDataset(x_train, y_train)
train_dl = DataLoader(train_ds, batch_size=bs, shuffle=True)

valid_ds = TensorDataset(x_valid, y_valid)
valid_dl = DataLoader(valid_ds, batch_size=bs * 2)

model, opt = get_model()

for epoch in range(epochs):
    model.train()
    for xb, yb in train_dl:
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

    model.eval()
    with torch.no_grad():
        valid_loss = sum(loss_func(model(xb), yb) for xb, yb in valid_dl)

    print(epoch, valid_loss / len(valid_dl))


def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)

    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()

    return loss.item(), len(xb)

import numpy as np

def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)

        model.eval()
        with torch.no_grad():
            losses, nums = zip(
                *[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl]
            )
        val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)

        print(epoch, val_loss)


def get_data(train_ds, valid_ds, bs):
    return (
        DataLoader(train_ds, batch_size=bs, shuffle=True),
        DataLoader(valid_ds, batch_size=bs * 2),
    )

train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
model, opt = get_model()
fit(epochs, model, loss_func, opt, train_dl, valid_dl)

print(torch.cuda.is_available())

dev = torch.device(
    "cuda") if torch.cuda.is_available() else torch.device("cpu")
"""
case("nn-tutorial-refactors", "nn-tutorial", _MNIST + _NN_SCRATCH + _NN_REFACTOR, mask="numbers",
     note=_NN_NOTE + "; the CNN sections (nn.Conv2d) left out")
case("nn-tutorial-refactors-fixed", "nn-tutorial", _MNIST + _fixed([_NN_SCRATCH + _NN_REFACTOR], _NN_WEIGHTS + [
    ("        self.lin = nn.Linear(784, 10)\n", "        self.lin = nn.Linear(784, 10)\n        with torch.no_grad():\n"
     "            self.lin.weight.copy_(torch.linspace(-1, 1, 7840).view(10, 784) / math.sqrt(784))\n"
     "            self.lin.bias.zero_()\n"),
    ("shuffle=True", "shuffle=False")])[0],
    note=_NN_NOTE + "; the CNN sections left out; the random weights (randn and nn.Linear's) a fixed pattern, shuffle=False",
    differs=["float32 784-long matrix products in BLAS's order (ulps apart, grown by ten steps at lr=0.5; "
           "the untrained predictions and loss match)"])


# == Karpathy's "Let's build GPT": the bigram language model (bigram.py) ===========================

SOURCES["ng-bigram"] = ("karpathy/ng-video-lecture", "bigram.py", "83f7d22b80a866e337a069dbc17b677f53a6b5a9")
# input.txt (tiny Shakespeare, a download) replaced by its first lines.
_SHAKESPEARE = "TEXT = " + repr("First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\nFirst Citizen:\nYou are all resolved rather to die than to famish?\n\nAll:\nResolved. resolved.\n\nFirst Citizen:\nFirst, you know Caius Marcius is chief enemy to the people.\n\nAll:\nWe know't, we know't.\n\nFirst Citizen:\nLet us kill him, and we'll have corn at our own price.\nIs't a verdict?\n") + "\n"
_BIGRAM_PY = (
    'import torch\n'
    'import torch.nn as nn\n'
    'from torch.nn import functional as F\n'
    '\n'
    '# hyperparameters\n'
    'batch_size = 32 # how many independent sequences will we process in parallel?\n'
    'block_size = 8 # what is the maximum context length for predictions?\n'
    'max_iters = 600\n'
    'eval_interval = 300\n'
    'learning_rate = 1e-2\n'
    "device = 'cuda' if torch.cuda.is_available() else 'cpu'\n"
    'eval_iters = 20\n'
    '# ------------\n'
    '\n'
    'torch.manual_seed(1337)\n'
    '\n'
    '# wget https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt\n'
    'text = TEXT\n'
    '\n'
    '# here are all the unique characters that occur in this text\n'
    'chars = sorted(list(set(text)))\n'
    'vocab_size = len(chars)\n'
    '# create a mapping from characters to integers\n'
    'stoi = { ch:i for i,ch in enumerate(chars) }\n'
    'itos = { i:ch for i,ch in enumerate(chars) }\n'
    'encode = lambda s: [stoi[c] for c in s] # encoder: take a string, output a list of integers\n'
    "decode = lambda l: ''.join([itos[i] for i in l]) # decoder: take a list of integers, output a string\n"
    '\n'
    '# Train and test splits\n'
    'data = torch.tensor(encode(text), dtype=torch.long)\n'
    'n = int(0.9*len(data)) # first 90% will be train, rest val\n'
    'train_data = data[:n]\n'
    'val_data = data[n:]\n'
    '\n'
    '# data loading\n'
    'def get_batch(split):\n'
    '    # generate a small batch of data of inputs x and targets y\n'
    "    data = train_data if split == 'train' else val_data\n"
    '    ix = torch.randint(len(data) - block_size, (batch_size,))\n'
    '    x = torch.stack([data[i:i+block_size] for i in ix])\n'
    '    y = torch.stack([data[i+1:i+block_size+1] for i in ix])\n'
    '    x, y = x.to(device), y.to(device)\n'
    '    return x, y\n'
    '\n'
    '@torch.no_grad()\n'
    'def estimate_loss():\n'
    '    out = {}\n'
    '    model.eval()\n'
    "    for split in ['train', 'val']:\n"
    '        losses = torch.zeros(eval_iters)\n'
    '        for k in range(eval_iters):\n'
    '            X, Y = get_batch(split)\n'
    '            logits, loss = model(X, Y)\n'
    '            losses[k] = loss.item()\n'
    '        out[split] = losses.mean()\n'
    '    model.train()\n'
    '    return out\n'
    '\n'
    '# super simple bigram model\n'
    'class BigramLanguageModel(nn.Module):\n'
    '\n'
    '    def __init__(self, vocab_size):\n'
    '        super().__init__()\n'
    '        # each token directly reads off the logits for the next token from a lookup table\n'
    '        self.token_embedding_table = nn.Embedding(vocab_size, vocab_size)\n'
    '\n'
    '    def forward(self, idx, targets=None):\n'
    '\n'
    '        # idx and targets are both (B,T) tensor of integers\n'
    '        logits = self.token_embedding_table(idx) # (B,T,C)\n'
    '\n'
    '        if targets is None:\n'
    '            loss = None\n'
    '        else:\n'
    '            B, T, C = logits.shape\n'
    '            logits = logits.view(B*T, C)\n'
    '            targets = targets.view(B*T)\n'
    '            loss = F.cross_entropy(logits, targets)\n'
    '\n'
    '        return logits, loss\n'
    '\n'
    '    def generate(self, idx, max_new_tokens):\n'
    '        # idx is (B, T) array of indices in the current context\n'
    '        for _ in range(max_new_tokens):\n'
    '            # get the predictions\n'
    '            logits, loss = self(idx)\n'
    '            # focus only on the last time step\n'
    '            logits = logits[:, -1, :] # becomes (B, C)\n'
    '            # apply softmax to get probabilities\n'
    '            probs = F.softmax(logits, dim=-1) # (B, C)\n'
    '            # sample from the distribution\n'
    '            idx_next = torch.multinomial(probs, num_samples=1) # (B, 1)\n'
    '            # append sampled index to the running sequence\n'
    '            idx = torch.cat((idx, idx_next), dim=1) # (B, T+1)\n'
    '        return idx\n'
    '\n'
    'model = BigramLanguageModel(vocab_size)\n'
    'm = model.to(device)\n'
    '\n'
    '# create a PyTorch optimizer\n'
    'optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)\n'
    '\n'
    'for iter in range(max_iters):\n'
    '\n'
    '    # every once in a while evaluate the loss on train and val sets\n'
    '    if iter % eval_interval == 0:\n'
    '        losses = estimate_loss()\n'
    '        print(f"step {iter}: train loss {losses[\'train\']:.4f}, val loss {losses[\'val\']:.4f}")\n'
    '\n'
    '    # sample a batch of data\n'
    "    xb, yb = get_batch('train')\n"
    '\n'
    '    # evaluate the loss\n'
    '    logits, loss = model(xb, yb)\n'
    '    optimizer.zero_grad(set_to_none=True)\n'
    '    loss.backward()\n'
    '    optimizer.step()\n'
    '\n'
    '# generate from the model\n'
    'context = torch.zeros((1, 1), dtype=torch.long, device=device)\n'
    'print(len(decode(m.generate(context, max_new_tokens=500)[0].tolist())))\n'
)
case("ng-bigram", "ng-bigram", _SHAKESPEARE + _BIGRAM_PY, mask="numbers",
     why="random batches, initial embedding and samples throughout; ng-bigram-fixed fixes the batches and the table",
     note="input.txt (a download) replaced by tiny Shakespeare's first lines; max_iters 600 (not 3000) and "
          "eval_iters 20 (not 200); the generated text's length printed instead of the text (the draws differ)")
case("ng-bigram-fixed", "ng-bigram", _SHAKESPEARE + _fixed([_BIGRAM_PY], [
    ("ix = torch.randint(len(data) - block_size, (batch_size,))",
     "ix = (torch.arange(batch_size) * 7 + len(seen)) % (len(data) - block_size); seen.append(1)"),
    ("torch.manual_seed(1337)\n", "torch.manual_seed(1337)\nseen = []\n"),
    ("self.token_embedding_table = nn.Embedding(vocab_size, vocab_size)\n",
     "self.token_embedding_table = nn.Embedding(vocab_size, vocab_size)\n"
     "        with torch.no_grad():\n"
     "            self.token_embedding_table.weight.copy_(torch.linspace(-1, 1, vocab_size ** 2).view(vocab_size, -1))\n"),
    ("print(len(decode(m.generate(context, max_new_tokens=500)[0].tolist())))",
     "print(m.generate(context, max_new_tokens=0))")])[0],
    note="as ng-bigram, and the batches are fixed windows, the embedding table a fixed pattern, no sampling")


# == Karpathy's "Let's build GPT": the transformer (gpt.py), scaled down ===========================

SOURCES["ng-gpt"] = ("karpathy/ng-video-lecture", "gpt.py", "4c8e9028cc4fe417100e1e27db077fca0e0477f2")
_GPT_PY = (
    'import torch\n'
    'import torch.nn as nn\n'
    'from torch.nn import functional as F\n'
    '\n'
    '# hyperparameters\n'
    'batch_size = 4 # how many independent sequences will we process in parallel?\n'
    'block_size = 8 # what is the maximum context length for predictions?\n'
    'max_iters = 100\n'
    'eval_interval = 50\n'
    'learning_rate = 3e-4\n'
    "device = 'cuda' if torch.cuda.is_available() else 'cpu'\n"
    'eval_iters = 5\n'
    'n_embd = 16\n'
    'n_head = 2\n'
    'n_layer = 2\n'
    'dropout = 0.2\n'
    '# ------------\n'
    '\n'
    'torch.manual_seed(1337)\n'
    '\n'
    '# wget https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt\n'
    'text = TEXT\n'
    '\n'
    '# here are all the unique characters that occur in this text\n'
    'chars = sorted(list(set(text)))\n'
    'vocab_size = len(chars)\n'
    '# create a mapping from characters to integers\n'
    'stoi = { ch:i for i,ch in enumerate(chars) }\n'
    'itos = { i:ch for i,ch in enumerate(chars) }\n'
    'encode = lambda s: [stoi[c] for c in s] # encoder: take a string, output a list of integers\n'
    "decode = lambda l: ''.join([itos[i] for i in l]) # decoder: take a list of integers, output a string\n"
    '\n'
    '# Train and test splits\n'
    'data = torch.tensor(encode(text), dtype=torch.long)\n'
    'n = int(0.9*len(data)) # first 90% will be train, rest val\n'
    'train_data = data[:n]\n'
    'val_data = data[n:]\n'
    '\n'
    '# data loading\n'
    'def get_batch(split):\n'
    '    # generate a small batch of data of inputs x and targets y\n'
    "    data = train_data if split == 'train' else val_data\n"
    '    ix = torch.randint(len(data) - block_size, (batch_size,))\n'
    '    x = torch.stack([data[i:i+block_size] for i in ix])\n'
    '    y = torch.stack([data[i+1:i+block_size+1] for i in ix])\n'
    '    x, y = x.to(device), y.to(device)\n'
    '    return x, y\n'
    '\n'
    '@torch.no_grad()\n'
    'def estimate_loss():\n'
    '    out = {}\n'
    '    model.eval()\n'
    "    for split in ['train', 'val']:\n"
    '        losses = torch.zeros(eval_iters)\n'
    '        for k in range(eval_iters):\n'
    '            X, Y = get_batch(split)\n'
    '            logits, loss = model(X, Y)\n'
    '            losses[k] = loss.item()\n'
    '        out[split] = losses.mean()\n'
    '    model.train()\n'
    '    return out\n'
    '\n'
    'class Head(nn.Module):\n'
    '    """ one head of self-attention """\n'
    '\n'
    '    def __init__(self, head_size):\n'
    '        super().__init__()\n'
    '        self.key = nn.Linear(n_embd, head_size, bias=False)\n'
    '        self.query = nn.Linear(n_embd, head_size, bias=False)\n'
    '        self.value = nn.Linear(n_embd, head_size, bias=False)\n'
    "        self.register_buffer('tril', torch.tril(torch.ones(block_size, block_size)))\n"
    '\n'
    '        self.dropout = nn.Dropout(dropout)\n'
    '\n'
    '    def forward(self, x):\n'
    '        # input of size (batch, time-step, channels)\n'
    '        # output of size (batch, time-step, head size)\n'
    '        B,T,C = x.shape\n'
    '        k = self.key(x)   # (B,T,hs)\n'
    '        q = self.query(x) # (B,T,hs)\n'
    '        # compute attention scores ("affinities")\n'
    '        wei = q @ k.transpose(-2,-1) * k.shape[-1]**-0.5 # (B, T, hs) @ (B, hs, T) -> (B, T, T)\n'
    "        wei = wei.masked_fill(self.tril[:T, :T] == 0, float('-inf')) # (B, T, T)\n"
    '        wei = F.softmax(wei, dim=-1) # (B, T, T)\n'
    '        wei = self.dropout(wei)\n'
    '        # perform the weighted aggregation of the values\n'
    '        v = self.value(x) # (B,T,hs)\n'
    '        out = wei @ v # (B, T, T) @ (B, T, hs) -> (B, T, hs)\n'
    '        return out\n'
    '\n'
    'class MultiHeadAttention(nn.Module):\n'
    '    """ multiple heads of self-attention in parallel """\n'
    '\n'
    '    def __init__(self, num_heads, head_size):\n'
    '        super().__init__()\n'
    '        self.heads = nn.ModuleList([Head(head_size) for _ in range(num_heads)])\n'
    '        self.proj = nn.Linear(head_size * num_heads, n_embd)\n'
    '        self.dropout = nn.Dropout(dropout)\n'
    '\n'
    '    def forward(self, x):\n'
    '        out = torch.cat([h(x) for h in self.heads], dim=-1)\n'
    '        out = self.dropout(self.proj(out))\n'
    '        return out\n'
    '\n'
    'class FeedFoward(nn.Module):\n'
    '    """ a simple linear layer followed by a non-linearity """\n'
    '\n'
    '    def __init__(self, n_embd):\n'
    '        super().__init__()\n'
    '        self.net = nn.Sequential(\n'
    '            nn.Linear(n_embd, 4 * n_embd),\n'
    '            nn.ReLU(),\n'
    '            nn.Linear(4 * n_embd, n_embd),\n'
    '            nn.Dropout(dropout),\n'
    '        )\n'
    '\n'
    '    def forward(self, x):\n'
    '        return self.net(x)\n'
    '\n'
    'class Block(nn.Module):\n'
    '    """ Transformer block: communication followed by computation """\n'
    '\n'
    '    def __init__(self, n_embd, n_head):\n'
    "        # n_embd: embedding dimension, n_head: the number of heads we'd like\n"
    '        super().__init__()\n'
    '        head_size = n_embd // n_head\n'
    '        self.sa = MultiHeadAttention(n_head, head_size)\n'
    '        self.ffwd = FeedFoward(n_embd)\n'
    '        self.ln1 = nn.LayerNorm(n_embd)\n'
    '        self.ln2 = nn.LayerNorm(n_embd)\n'
    '\n'
    '    def forward(self, x):\n'
    '        x = x + self.sa(self.ln1(x))\n'
    '        x = x + self.ffwd(self.ln2(x))\n'
    '        return x\n'
    '\n'
    'class GPTLanguageModel(nn.Module):\n'
    '\n'
    '    def __init__(self):\n'
    '        super().__init__()\n'
    '        # each token directly reads off the logits for the next token from a lookup table\n'
    '        self.token_embedding_table = nn.Embedding(vocab_size, n_embd)\n'
    '        self.position_embedding_table = nn.Embedding(block_size, n_embd)\n'
    '        self.blocks = nn.Sequential(*[Block(n_embd, n_head=n_head) for _ in range(n_layer)])\n'
    '        self.ln_f = nn.LayerNorm(n_embd) # final layer norm\n'
    '        self.lm_head = nn.Linear(n_embd, vocab_size)\n'
    '\n'
    '        # better init, not covered in the original GPT video, but important, will cover in followup video\n'
    '        self.apply(self._init_weights)\n'
    '\n'
    '    def _init_weights(self, module):\n'
    '        if isinstance(module, nn.Linear):\n'
    '            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)\n'
    '            if module.bias is not None:\n'
    '                torch.nn.init.zeros_(module.bias)\n'
    '        elif isinstance(module, nn.Embedding):\n'
    '            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)\n'
    '\n'
    '    def forward(self, idx, targets=None):\n'
    '        B, T = idx.shape\n'
    '\n'
    '        # idx and targets are both (B,T) tensor of integers\n'
    '        tok_emb = self.token_embedding_table(idx) # (B,T,C)\n'
    '        pos_emb = self.position_embedding_table(torch.arange(T, device=device)) # (T,C)\n'
    '        x = tok_emb + pos_emb # (B,T,C)\n'
    '        x = self.blocks(x) # (B,T,C)\n'
    '        x = self.ln_f(x) # (B,T,C)\n'
    '        logits = self.lm_head(x) # (B,T,vocab_size)\n'
    '\n'
    '        if targets is None:\n'
    '            loss = None\n'
    '        else:\n'
    '            B, T, C = logits.shape\n'
    '            logits = logits.view(B*T, C)\n'
    '            targets = targets.view(B*T)\n'
    '            loss = F.cross_entropy(logits, targets)\n'
    '\n'
    '        return logits, loss\n'
    '\n'
    '    def generate(self, idx, max_new_tokens):\n'
    '        # idx is (B, T) array of indices in the current context\n'
    '        for _ in range(max_new_tokens):\n'
    '            # crop idx to the last block_size tokens\n'
    '            idx_cond = idx[:, -block_size:]\n'
    '            # get the predictions\n'
    '            logits, loss = self(idx_cond)\n'
    '            # focus only on the last time step\n'
    '            logits = logits[:, -1, :] # becomes (B, C)\n'
    '            # apply softmax to get probabilities\n'
    '            probs = F.softmax(logits, dim=-1) # (B, C)\n'
    '            # sample from the distribution\n'
    '            idx_next = torch.multinomial(probs, num_samples=1) # (B, 1)\n'
    '            # append sampled index to the running sequence\n'
    '            idx = torch.cat((idx, idx_next), dim=1) # (B, T+1)\n'
    '        return idx\n'
    '\n'
    'model = GPTLanguageModel()\n'
    'm = model.to(device)\n'
    '# print the number of parameters in the model\n'
    "print(sum(p.numel() for p in m.parameters())/1e6, 'M parameters')\n"
    '\n'
    '# create a PyTorch optimizer\n'
    'optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)\n'
    '\n'
    'for iter in range(max_iters):\n'
    '\n'
    '    # every once in a while evaluate the loss on train and val sets\n'
    '    if iter % eval_interval == 0 or iter == max_iters - 1:\n'
    '        losses = estimate_loss()\n'
    '        print(f"step {iter}: train loss {losses[\'train\']:.4f}, val loss {losses[\'val\']:.4f}")\n'
    '\n'
    '    # sample a batch of data\n'
    "    xb, yb = get_batch('train')\n"
    '\n'
    '    # evaluate the loss\n'
    '    logits, loss = model(xb, yb)\n'
    '    optimizer.zero_grad(set_to_none=True)\n'
    '    loss.backward()\n'
    '    optimizer.step()\n'
    '\n'
    '# generate from the model\n'
    'context = torch.zeros((1, 1), dtype=torch.long, device=device)\n'
    'print(len(decode(m.generate(context, max_new_tokens=50)[0].tolist())))\n'
    "#open('more.txt', 'w').write(decode(m.generate(context, max_new_tokens=10000)[0].tolist()))\n"
)
_GPT_NOTE = ("input.txt (a download) replaced by tiny Shakespeare's first lines; the model and run scaled down "
             "(batch 4, block 8, 100 iterations, evaluation every 50 over 5 batches, n_embd 16, 2 heads, 2 layers); "
             "the generated text's length printed (50 tokens) instead of the text")
case("ng-gpt", "ng-gpt", _SHAKESPEARE + _GPT_PY, mask="numbers", note=_GPT_NOTE,
     why="dropout, batches, initial weights and samples are all random draws; ng-gpt-fixed fixes them")
case("ng-gpt-fixed", "ng-gpt", _SHAKESPEARE + _fixed([_GPT_PY], [
    ("dropout = 0.2", "dropout = 0.0"),
    ("ix = torch.randint(len(data) - block_size, (batch_size,))",
     "ix = (torch.arange(batch_size) * 7 + len(seen)) % (len(data) - block_size); seen.append(1)"),
    ("torch.manual_seed(1337)\n", "torch.manual_seed(1337)\nseen = []\n"),
    ("torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)",
     "module.weight.data.copy_(torch.linspace(-0.05, 0.05, module.weight.numel()).view(module.weight.shape))"),
    ("print(len(decode(m.generate(context, max_new_tokens=50)[0].tolist())))",
     "print(m.generate(context, max_new_tokens=0))")])[0],
    note=_GPT_NOTE + "; dropout 0, the batches fixed windows, the weights fixed patterns, no sampling",
    differs=["float32 layer_norm, sqrt and matmul to PyTorch's last bit (after 100 AdamW steps the losses "
           "differ in the fourth decimal; the untrained losses match)"])
