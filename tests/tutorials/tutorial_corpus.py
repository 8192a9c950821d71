"""The autograd code of public introductions to PyTorch, as verbatim as possible.

Each case is one snippet: ``id``, its ``source`` (repository, path, commit: see ``SOURCES``),
the ``code`` (a string, or a list of notebook cells whose last expression is displayed) and
``mask``: ``None`` when the printout must match PyTorch's character for character, ``"numbers"``
when the snippet draws random numbers (gradlab's generator is NumPy's, so its values differ):
then numbers and the spacing around them are masked and only the rest must match. Each masked
case has a deterministic variant (id ending ``-fixed``) that checks the same thing with fixed
values instead of random ones, character for character.

Only plotting, downloads, CUDA and timing are dropped; every other change is listed in
``note``. ``needs`` names what gradlab lacks today (the test marks the case xfail(strict)).
The expected printout is never stored here: the test produces it by running real torch.
"""

TUT = "pytorch/tutorials"
SOURCES = {
    "blitz": (TUT, "beginner_source/blitz/autograd_tutorial.py", "05f04cb4463d507cc90f891db82d8c2685e14b53"),
    "blitz-variable": (TUT, "beginner_source/blitz/autograd_tutorial.py", "56d1da96ef0e5acf5187d89c27d6ca6178170bc5"),
    "autogradqs": (TUT, "beginner_source/basics/autogradqs_tutorial.py", "1532c0de875b79f541371438d8d1d08be18f87de"),
    "autogradyt": (TUT, "beginner_source/introyt/autogradyt_tutorial.py", "199e9530f4b72f57ba2dc222e1fd18db3efc49ed"),
    "buildmodel": (TUT, "beginner_source/basics/buildmodel_tutorial.py", "07a339ece661a2b304b8834780470f522eed1e02"),
    "optimization": (TUT, "beginner_source/basics/optimization_tutorial.py", "009a87b0ec0b432889e865e55d3ae9e3912c306e"),
    "poly-autograd": (TUT, "beginner_source/examples_autograd/polynomial_autograd.py", "02e5a75dc17eec70591fbfc71b6e53b390083c3a"),
    "poly-custom": (TUT, "beginner_source/examples_autograd/polynomial_custom_function.py", "02ed6c5cf613bbf2b631704eee62033b8bd746ef"),
    "two-layer-autograd": (TUT, "beginner_source/examples_autograd/two_layer_net_autograd.py", "15bfd259a60e64010d98cc9ed47c2ba45b12726b"),
    "poly-nn": (TUT, "beginner_source/examples_nn/polynomial_nn.py", "02d7694195db7543ff85fd72177d1f1adca7784a"),
    "poly-optim": (TUT, "beginner_source/examples_nn/polynomial_optim.py", "02d7694195db7543ff85fd72177d1f1adca7784a"),
    "poly-module": (TUT, "beginner_source/examples_nn/polynomial_module.py", "1d189709801e98f5f184af0567c7f06b8b5156c2"),
    "micrograd": ("karpathy/micrograd", "test/test_engine.py", "c911406e5ace8742e5841a7e0df113ecb5d54685"),
    "zth-micrograd": ("karpathy/nn-zero-to-hero", "lectures/micrograd/micrograd_lecture_second_half_roughly.ipynb",
                      "73c3fcc741f0ec104ca850b1fb0df90e7e8d4cde"),
    "zth-bigrams": ("karpathy/nn-zero-to-hero", "lectures/makemore/makemore_part1_bigrams.ipynb",
                    "73c3fcc741f0ec104ca850b1fb0df90e7e8d4cde"),
    "llm-appendix-a": ("rasbt/LLMs-from-scratch", "appendix-A/01_main-chapter-code/code-part1.ipynb",
                       "28f4c831f38685e9be1a4673b639c4dd954d5926"),
    "d2l": ("d2l-ai/d2l-en", "chapter_preliminaries/autograd.md", "23d7a5aecceee57d1292c56e90cce307f183bb0a"),
}

CASES = []


def case(id, source, code, *, cells=False, mask=None, needs=(), differs=(), note="", why=""):
    """``why``: for a masked case without a ``-fixed`` twin, why no fixed variant can check more.
    ``needs``: names gradlab lacks (a strict xfail). ``differs``: the float32 kernels whose last
    bits make the printout differ on this kind of CPU (PyTorch's MKL and NumPy's OpenBLAS pick their
    kernels by CPU), so the case may print the same elsewhere: an xfail that is not strict."""
    assert source in SOURCES, source
    CASES.append(dict(id=id, source=source, code=code, cells=cells, mask=mask, needs=tuple(needs),
                      differs=tuple(differs), note=note, why=why))


# The makemore lecture reads names.txt (a download); its first ten names stand in for it.
NAMES = "words = ['emma', 'olivia', 'ava', 'isabella', 'sophia', 'charlotte', 'mia', 'amelia', 'harper', 'evelyn']\n"

# == PyTorch's 60-minute blitz, autograd (the Tensor edition) =======================================

case("blitz-ones", "blitz", """\
import torch
x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
print(y)
print(y.grad_fn)
z = y * y * 3
out = z.mean()

print(z, out)
out.backward()
print(x.grad)
""")

case("blitz-requires-grad", "blitz", """\
import torch
a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)
""")

case("blitz-requires-grad-fixed", "blitz", """\
import torch
a = torch.tensor([[0.5, -1.5], [2.0, 0.25]])
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)
print(a, b)
""", note="torch.randn(2, 2) replaced by fixed values; a and b printed")

case("blitz-doubling", "blitz", """\
import torch
x = torch.randn(3, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)
gradients = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(gradients)

print(x.grad)
print(x.requires_grad)
print((x ** 2).requires_grad)

with torch.no_grad():
\tprint((x ** 2).requires_grad)
""", mask="numbers")

case("blitz-doubling-fixed", "blitz", """\
import torch
x = torch.tensor([0.3, -1.1, 0.7], requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)
gradients = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(gradients)

print(x.grad)
""", note="torch.randn(3) replaced by fixed values")

case("blitz-variable", "blitz-variable", """\
import torch
from torch.autograd import Variable
x = Variable(torch.ones(2, 2), requires_grad=True)
print(x)
y = x + 2
print(y)
print(y.grad_fn)
z = y * y * 3
out = z.mean()

print(z, out)
out.backward()
print(x.grad)
""")

case("blitz-variable-doubling", "blitz-variable", """\
import torch
from torch.autograd import Variable
x = torch.tensor([0.3, -1.1, 0.7])
x = Variable(x, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)
gradients = torch.FloatTensor([0.1, 1.0, 0.0001])
y.backward(gradients)

print(x.grad)
""", note="torch.randn(3) replaced by fixed values")

# == Learn the Basics: autograd =======================================================================

_AQ_SETUP = """\
import torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
"""
_AQ_FIXED = _AQ_SETUP.replace(
    "torch.randn(5, 3, requires_grad=True)",
    "torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [1.0, -1.1, 1.2], [0.2, 0.1, -0.3]], requires_grad=True)"
).replace("torch.randn(3, requires_grad=True)", "torch.tensor([0.5, -0.5, 0.25], requires_grad=True)")

_AQ_GRADS = """
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
loss.backward()
print(w.grad)
print(b.grad)
"""
case("basics-bce", "autogradqs", _AQ_SETUP + _AQ_GRADS, mask="numbers")
case("basics-bce-fixed", "autogradqs", _AQ_FIXED + _AQ_GRADS,
     note="torch.randn replaced by fixed values")

_AQ_NO_GRAD = """\
import torch
x = torch.ones(5)  # input tensor
w = torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [1.0, -1.1, 1.2], [0.2, 0.1, -0.3]], requires_grad=True)
b = torch.tensor([0.5, -0.5, 0.25], requires_grad=True)
z = torch.matmul(x, w)+b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)
z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)
"""
case("basics-no-grad", "autogradqs", _AQ_NO_GRAD, note="w, b: fixed values instead of torch.randn")

case("basics-jacobian-product", "autogradqs", """\
import torch
inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nSecond call\\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nCall after zeroing gradients\\n{inp.grad}")
""")

# == Introduction to PyTorch on YouTube: the fundamentals of autograd =================================

_YT_HEAD = """\
import torch
import math
a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
"""
case("yt-linspace", "autogradyt", _YT_HEAD + "print(a)\n")
case("yt-sin", "autogradyt", _YT_HEAD + "b = torch.sin(a)\nprint(b)\n")
_YT_CHAIN = _YT_HEAD + """\
b = torch.sin(a)
c = 2 * b
print(c)

d = c + 1
print(d)
out = d.sum()
print(out)
"""
case("yt-chain", "autogradyt", _YT_CHAIN)
case("yt-next-functions", "autogradyt", _YT_CHAIN + """\
print('d:')
print(d.grad_fn)
print(d.grad_fn.next_functions)
print(d.grad_fn.next_functions[0][0].next_functions)
print(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions)
print(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0].next_functions)
print('\\nc:')
print(c.grad_fn)
print('\\nb:')
print(b.grad_fn)
print('\\na:')
print(a.grad_fn)
""")
case("yt-backward", "autogradyt", _YT_CHAIN + "out.backward()\nprint(a.grad)\n")

_YT_TINY = """\
import torch
BATCH_SIZE = 16
DIM_IN = 1000
HIDDEN_SIZE = 100
DIM_OUT = 10

class TinyModel(torch.nn.Module):

    def __init__(self):
        super(TinyModel, self).__init__()
        
        self.layer1 = torch.nn.Linear(1000, 100)
        self.relu = torch.nn.ReLU()
        self.layer2 = torch.nn.Linear(100, 10)
    
    def forward(self, x):
        x = self.layer1(x)
        x = self.relu(x)
        x = self.layer2(x)
        return x
    
some_input = torch.randn(BATCH_SIZE, DIM_IN, requires_grad=False)
ideal_output = torch.randn(BATCH_SIZE, DIM_OUT, requires_grad=False)

model = TinyModel()
print(model.layer2.weight[0][0:10]) # just a small slice
print(model.layer2.weight.grad)
optimizer = torch.optim.SGD(model.parameters(), lr=0.001)

prediction = model(some_input)

loss = (ideal_output - prediction).pow(2).sum()
print(loss)
loss.backward()
print(model.layer2.weight[0][0:10])
print(model.layer2.weight.grad[0][0:10])
optimizer.step()
print(model.layer2.weight[0][0:10])
print(model.layer2.weight.grad[0][0:10])
print(model.layer2.weight.grad[0][0:10])

for i in range(0, 5):
    prediction = model(some_input)
    loss = (ideal_output - prediction).pow(2).sum()
    loss.backward()
    
print(model.layer2.weight.grad[0][0:10])

optimizer.zero_grad()

print(model.layer2.weight.grad[0][0:10])
"""
case("yt-tiny-model", "autogradyt", _YT_TINY, mask="numbers")
case("yt-tiny-model-fixed", "autogradyt", _YT_TINY.replace(
    "some_input = torch.randn", "some_input = torch.linspace(-1, 1, BATCH_SIZE * DIM_IN).reshape(BATCH_SIZE, DIM_IN) + 0 * torch.randn"
).replace("ideal_output = torch.randn", "ideal_output = torch.linspace(0, 1, BATCH_SIZE * DIM_OUT).reshape(BATCH_SIZE, DIM_OUT) + 0 * torch.randn").replace(
    "model = TinyModel()\n",
    "model = TinyModel()\nwith torch.no_grad():\n    for p in model.parameters():\n        p.copy_(torch.linspace(-0.05, 0.05, p.numel()).reshape(p.shape))\n"),
    differs=["float32 sums of 1000 products in BLAS's order"],
    note="random inputs and initial weights replaced by fixed patterns")

case("yt-requires-grad-flag", "autogradyt", """\
import torch
a = torch.ones(2, 3, requires_grad=True)
print(a)

b1 = 2 * a
print(b1)

a.requires_grad = False
b2 = 2 * a
print(b2)
""")
case("yt-no-grad", "autogradyt", """\
import torch
a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3

c1 = a + b
print(c1)

with torch.no_grad():
    c2 = a + b

print(c2)

c3 = a * b
print(c3)
""")
case("yt-no-grad-decorator", "autogradyt", """\
import torch
def add_tensors1(x, y):
    return x + y

@torch.no_grad()
def add_tensors2(x, y):
    return x + y


a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3

c1 = add_tensors1(a, b)
print(c1)

c2 = add_tensors2(a, b)
print(c2)
""")
case("yt-detach", "autogradyt", """\
import torch
x = torch.rand(5, requires_grad=True)
y = x.detach()

print(x)
print(y)
""", mask="numbers")
case("yt-detach-fixed", "autogradyt", """\
import torch
x = torch.linspace(0.1, 0.9, 5, requires_grad=True)
y = x.detach()

print(x)
print(y)
""", note="torch.rand(5) replaced by fixed values")
case("yt-sin-inplace-error", "autogradyt", _YT_HEAD + "torch.sin_(a)\n",
     note="the tutorial shows this cell as raising (a leaf that requires grad, changed in place)")
case("yt-device", "autogradyt", """\
import torch
device = torch.device('cpu')
run_on_gpu = False
if torch.cuda.is_available():
    device = torch.device('cuda')
    run_on_gpu = True
print(device, run_on_gpu)
""", note="the profiler that follows is timing (dropped); device and run_on_gpu printed")
_YT_DOUBLING = """\
import torch
x = torch.randn(3, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float) # stand-in for gradients
y.backward(v)

print(x.grad)
"""
case("yt-doubling", "autogradyt", _YT_DOUBLING, mask="numbers")
case("yt-doubling-fixed", "autogradyt", _YT_DOUBLING.replace("torch.randn(3, requires_grad=True)",
     "torch.tensor([-0.4, 0.9, 0.05], requires_grad=True)"),
     note="torch.randn(3) replaced by fixed values")
_YT_JACOBIAN = ["""\
import torch
def exp_adder(x, y):
    return 2 * x.exp() + 3 * y

inputs = (torch.rand(1), torch.rand(1)) # arguments for the function
print(inputs)
torch.autograd.functional.jacobian(exp_adder, inputs)
""", """\
inputs = (torch.rand(3), torch.rand(3)) # arguments for the function
print(inputs)
torch.autograd.functional.jacobian(exp_adder, inputs)
"""]
case("yt-jacobian", "autogradyt", _YT_JACOBIAN, cells=True, mask="numbers")
case("yt-jacobian-fixed", "autogradyt", [
    _YT_JACOBIAN[0].replace("(torch.rand(1), torch.rand(1))", "(torch.tensor([0.25]), torch.tensor([0.75]))"),
    _YT_JACOBIAN[1].replace("(torch.rand(3), torch.rand(3))",
                            "(torch.tensor([0.1, 0.5, 0.9]), torch.tensor([0.2, 0.4, 0.6]))")],
    cells=True, note="torch.rand replaced by fixed values")
_YT_VJP = """\
import torch
def do_some_doubling(x):
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    return y

inputs = torch.randn(3)
my_gradients = torch.tensor([0.1, 1.0, 0.0001])
torch.autograd.functional.vjp(do_some_doubling, inputs, v=my_gradients)
"""
case("yt-vjp", "autogradyt", [_YT_VJP], cells=True, mask="numbers")
case("yt-vjp-fixed", "autogradyt", [_YT_VJP.replace("torch.randn(3)", "torch.tensor([0.6, -0.2, 1.3])")],
     cells=True, note="torch.randn(3) replaced by fixed values")

# == Build the neural network ===========================================================================

_BM_MODEL = """\
import os
import torch
from torch import nn
from torch.utils.data import DataLoader
device = 'cuda' if torch.cuda.is_available() else 'cpu'
print('Using {} device'.format(device))

class NeuralNetwork(nn.Module):
    def __init__(self):
        super(NeuralNetwork, self).__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
            nn.ReLU()
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits

model = NeuralNetwork().to(device)
print(model)
"""
case("buildmodel-print", "buildmodel", _BM_MODEL, note="torchvision import dropped (used for the download)")
case("buildmodel-predict", "buildmodel", _BM_MODEL + """\
X = torch.rand(1, 28, 28, device=device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
""", mask="numbers")
_BM_LAYERS = """\
import torch
from torch import nn
input_image = torch.rand(3,28,28)
print(input_image.size())
flatten = nn.Flatten()
flat_image = flatten(input_image)
print(flat_image.size())
layer1 = nn.Linear(in_features=28*28, out_features=20)
hidden1 = layer1(flat_image)
print(hidden1.size())
"""
case("buildmodel-layers", "buildmodel", _BM_LAYERS)
case("buildmodel-relu", "buildmodel", _BM_LAYERS + """\
print(f"Before ReLU: {hidden1}\\n\\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1}")
""", mask="numbers")
case("buildmodel-softmax", "buildmodel", _BM_LAYERS + """\
seq_modules = nn.Sequential(
    flatten,
    layer1,
    nn.ReLU(),
    nn.Linear(20, 10)
)
input_image = torch.rand(3,28,28)
logits = seq_modules(input_image)
softmax = nn.Softmax(dim=1)
pred_probab = softmax(logits)
print(seq_modules)
print(softmax)
print(pred_probab.grad_fn, pred_probab.sum(1))
""", why="buildmodel-relu-fixed runs the same layers on fixed values", mask="numbers", note="the tutorial shows no printout here; the module, its repr and the rows' sums are printed")
_BM_FIX = """\
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.linspace(-0.05, 0.05, p.numel()).reshape(p.shape))
"""
case("buildmodel-predict-fixed", "buildmodel", _BM_MODEL + _BM_FIX + """\
X = torch.linspace(-0.1, 0.1, 28 * 28).reshape(1, 28, 28)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
print(logits, pred_probab)
""", note="weights and the image: fixed patterns instead of random; logits and probabilities printed")
case("buildmodel-relu-fixed", "buildmodel", (_BM_LAYERS.replace("input_image = torch.rand(3,28,28)",
     "input_image = torch.linspace(-1, 1, 3 * 28 * 28).reshape(3, 28, 28)").replace(
     "hidden1 = layer1(flat_image)", "with torch.no_grad():\n    layer1.weight.copy_(torch.linspace(-0.05, 0.05, 20 * 784).reshape(20, 784))\n"
     "    layer1.bias.copy_(torch.linspace(-0.5, 0.5, 20))\nhidden1 = layer1(flat_image)")) + """\
print(f"Before ReLU: {hidden1}\\n\\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1}")
softmax = nn.Softmax(dim=1)
print(softmax(hidden1))
""", note="image and layer1's weights: fixed patterns instead of random; the softmax of the result printed",
     mask="last digit", why="784-long float32 dot products: the BLAS kernel PyTorch and NumPy pick "
     "for the CPU sets the order of additions (README: where gradlab differs)")
case("buildmodel-parameters", "buildmodel", _BM_MODEL + """\
print("Model structure: ", model, "\\n\\n")

for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \\n")
""", why="the parameters' values are the random initialisation itself; buildmodel-predict-fixed fixes them", mask="numbers")

# == Optimizing model parameters =========================================================================

case("optimization-loop", "optimization", """\
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
training_data = TensorDataset(torch.rand(320, 28, 28), torch.randint(0, 10, (320,)))
test_data = TensorDataset(torch.rand(96, 28, 28), torch.randint(0, 10, (96,)))

train_dataloader = DataLoader(training_data, batch_size=64)
test_dataloader = DataLoader(test_data, batch_size=64)

class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits

model = NeuralNetwork()
learning_rate = 1e-3
batch_size = 64
epochs = 5
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    # Set the model to training mode - important for batch normalization and dropout layers
    # Unnecessary in this situation but added for best practices
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        # Compute prediction and loss
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        if batch % 100 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    # Set the model to evaluation mode - important for batch normalization and dropout layers
    # Unnecessary in this situation but added for best practices
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0

    # Evaluating the model with torch.no_grad() ensures that no gradients are computed during test mode
    # also serves to reduce unnecessary gradient computations and memory usage for tensors with requires_grad=True
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()

    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \\n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \\n")
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

epochs = 2
for t in range(epochs):
    print(f"Epoch {t+1}\\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")
""", why="random initialisation and a long float32 training run: a fixed start would differ only by float32 summation order, which yt-tiny-model-fixed shows", mask="numbers", note="FashionMNIST (a download) replaced by a TensorDataset of random images "
     "and labels of the same shapes, 320 + 96 samples, 2 epochs instead of 10")

# == PyTorch's examples: autograd and nn ==================================================================

case("poly-autograd", "poly-autograd", """\
import torch
import math
dtype = torch.float
x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)
a = torch.randn((), dtype=dtype, requires_grad=True)
b = torch.randn((), dtype=dtype, requires_grad=True)
c = torch.randn((), dtype=dtype, requires_grad=True)
d = torch.randn((), dtype=dtype, requires_grad=True)

learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad, b.grad, c.grad, d.grad = 0. , 0. , 0. , 0.

print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
""", why="random initialisation and a long float32 training run: a fixed start would differ only by float32 summation order, which yt-tiny-model-fixed shows", mask="numbers", note="the accelerator lines (CUDA) dropped; comments dropped")

case("poly-custom-function", "poly-custom", """\
import torch
import math


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


dtype = torch.float
device = torch.device("cpu")
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)
a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

learning_rate = 5e-6
for t in range(2000):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f'Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)')
""", differs=["float32 sin to the last bit (PyTorch's is MKL's closed vmsSin, which differs from "
            "the correctly rounded sin for about 5% of inputs)"], note="docstrings and comments dropped")

case("two-layer-autograd", "two-layer-autograd", """\
import torch

dtype = torch.float
device = torch.device("cpu")
N, D_in, H, D_out = 64, 1000, 100, 10
x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)
w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
w2 = torch.randn(H, D_out, device=device, dtype=dtype, requires_grad=True)

learning_rate = 1e-6
for t in range(500):
    y_pred = x.mm(w1).clamp(min=0).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
""", why="random initialisation and a long float32 training run: a fixed start would differ only by float32 summation order, which yt-tiny-model-fixed shows", mask="numbers", note="comments dropped")

_POLY_NN = """\
import torch
import math
x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
loss_fn = torch.nn.MSELoss(reduction='sum')
"""
case("poly-nn", "poly-nn", _POLY_NN + """\
learning_rate = 1e-6
for t in range(2000):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
linear_layer = model[0]
print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + {linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
""", why="random initialisation and a long float32 training run: a fixed start would differ only by float32 summation order, which yt-tiny-model-fixed shows", mask="numbers", note="comments dropped")
case("poly-optim", "poly-optim", _POLY_NN + """\
learning_rate = 1e-6
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
for t in range(2000):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


linear_layer = model[0]
print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + {linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
""", why="random initialisation and a long float32 training run: a fixed start would differ only by float32 summation order, which yt-tiny-model-fixed shows", mask="numbers", note="comments dropped")
case("poly-nn-graph", "poly-nn", _POLY_NN + """\
print(model)
print(xx.shape, xx.dtype)
y_pred = model(xx)
print(y_pred.shape, y_pred.grad_fn)
loss = loss_fn(y_pred, y)
print(loss.grad_fn)
""", note="the model, shapes and nodes of one forward pass, printed")
case("poly-module", "poly-module", """\
import torch
import math


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'
x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
model = Polynomial3()
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(2000):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f'Result: {model.string()}')
""", why="random initialisation and a long float32 training run: a fixed start would differ only by float32 summation order, which yt-tiny-model-fixed shows", mask="numbers", note="docstrings and comments dropped")

# == micrograd's tests: the PyTorch half of each, with the values they assert printed ==================

case("micrograd-sanity", "micrograd", """\
import torch
x = torch.Tensor([-4.0]).double()
x.requires_grad = True
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
xpt, ypt = x, y
print(ypt.data.item(), xpt.grad.item())
""", note="the asserted values printed")
case("micrograd-more-ops", "micrograd", """\
import torch
a = torch.Tensor([-4.0]).double()
b = torch.Tensor([2.0]).double()
a.requires_grad = True
b.requires_grad = True
c = a + b
d = a * b + b**3
c = c + c + 1
c = c + 1 + c + (-a)
d = d + d * 2 + (b + a).relu()
d = d + 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g = g + 10.0 / f
g.backward()
apt, bpt, gpt = a, b, g
print(gpt.data.item(), apt.grad.item(), bpt.grad.item())
""", note="the asserted values printed")

# == Neural Networks: Zero to Hero (Karpathy's lectures) ==================================================

case("zth-micrograd-torch", "zth-micrograd", """\
import torch
x1 = torch.Tensor([2.0]).double()                ; x1.requires_grad = True
x2 = torch.Tensor([0.0]).double()                ; x2.requires_grad = True
w1 = torch.Tensor([-3.0]).double()               ; w1.requires_grad = True
w2 = torch.Tensor([1.0]).double()                ; w2.requires_grad = True
b = torch.Tensor([6.8813735870195432]).double()  ; b.requires_grad = True
n = x1*w1 + x2*w2 + b
o = torch.tanh(n)

print(o.data.item())
o.backward()

print('---')
print('x2', x2.grad.item())
print('w2', w2.grad.item())
print('x1', x1.grad.item())
print('w1', w1.grad.item())
""")

_BIGRAM_COUNTS = [NAMES + """\
import torch
N = torch.zeros((27, 27), dtype=torch.int32)
chars = sorted(list(set(''.join(words))))
stoi = {s:i+1 for i,s in enumerate(chars)}
stoi['.'] = 0
itos = {i:s for s,i in stoi.items()}
""", """\

for w in words:
  chs = ['.'] + list(w) + ['.']
  for ch1, ch2 in zip(chs, chs[1:]):
    ix1 = stoi[ch1]
    ix2 = stoi[ch2]
    N[ix1, ix2] += 1
""", "N[0]", """\
p = N[0].float()
p = p / p.sum()
p
"""]
case("zth-bigram-counts", "zth-bigrams", _BIGRAM_COUNTS, cells=True,
     note="names.txt (a download) replaced by its first ten names")
case("zth-bigram-sample", "zth-bigrams", _BIGRAM_COUNTS + ["""\
g = torch.Generator().manual_seed(2147483647)
p = torch.rand(3, generator=g)
p = p / p.sum()
p
""", "torch.multinomial(p, num_samples=100, replacement=True, generator=g)"], cells=True,
     why="it is about sampling from the generator; no fixed values can stand in", mask="numbers", note="names.txt replaced by its first ten names")
_BIGRAM_P = _BIGRAM_COUNTS + ["""\
P = (N+1).float()
P /= P.sum(1, keepdims=True)
""", "P.sum(1, keepdim=True).shape", "P.sum(1).shape"]
case("zth-bigram-normalize", "zth-bigrams", _BIGRAM_P + ["P[0]"], cells=True,
     note="names.txt replaced by its first ten names")
case("zth-bigram-likelihood", "zth-bigrams", _BIGRAM_P + ["""\
log_likelihood = 0.0
n = 0

for w in words:
#for w in ["andrejq"]:
  chs = ['.'] + list(w) + ['.']
  for ch1, ch2 in zip(chs, chs[1:]):
    ix1 = stoi[ch1]
    ix2 = stoi[ch2]
    prob = P[ix1, ix2]
    logprob = torch.log(prob)
    log_likelihood += logprob
    n += 1
    #print(f'{ch1}{ch2}: {prob:.4f} {logprob:.4f}')

print(f'{log_likelihood=}')
nll = -log_likelihood
print(f'{nll=}')
print(f'{nll/n}')
"""], cells=True, note="names.txt replaced by its first ten names", mask="last digit",
     why="a sum of 50 float32 logs: PyTorch's log kernel and NumPy's round some inputs the other way "
         "on some CPUs (README: where gradlab differs)")
_BIGRAM_XS = _BIGRAM_COUNTS[:1] + ["""\
# create the training set of bigrams (x,y)
xs, ys = [], []

for w in words[:1]:
  chs = ['.'] + list(w) + ['.']
  for ch1, ch2 in zip(chs, chs[1:]):
    ix1 = stoi[ch1]
    ix2 = stoi[ch2]
    print(ch1, ch2)
    xs.append(ix1)
    ys.append(ix2)
    
xs = torch.tensor(xs)
ys = torch.tensor(ys)
""", "xs", "ys"]
case("zth-bigram-one-hot", "zth-bigrams", _BIGRAM_XS + ["""\
import torch.nn.functional as F
xenc = F.one_hot(xs, num_classes=27).float()
xenc
""", "xenc.shape", "xenc.dtype"], cells=True, 
     note="names.txt replaced by its first ten names")
_BIGRAM_NET = _BIGRAM_XS + ["""\
import torch.nn.functional as F
# randomly initialize 27 neurons' weights. each neuron receives 27 inputs
g = torch.Generator().manual_seed(2147483647)
W = torch.randn((27, 27), generator=g, requires_grad=True)
""", """\
# forward pass
xenc = F.one_hot(xs, num_classes=27).float() # input to the network: one-hot encoding
logits = xenc @ W # predict log-counts
counts = logits.exp() # counts, equivalent to N
probs = counts / counts.sum(1, keepdims=True) # probabilities for next character
loss = -probs[torch.arange(5), ys].log().mean()
""", "print(loss.item())", """\
# backward pass
W.grad = None # set to zero the gradient
loss.backward()
""", "W.data += -0.1 * W.grad", "print(loss.grad_fn, probs.grad_fn, counts.grad_fn, W.grad.shape)"]
case("zth-bigram-net", "zth-bigrams", _BIGRAM_NET, cells=True, mask="numbers", 
     note="names.txt replaced by its first ten names; the nodes and W.grad's shape printed at the end")
case("zth-bigram-net-fixed", "zth-bigrams", [c.replace(
    "W = torch.randn((27, 27), generator=g, requires_grad=True)",
    "W = torch.linspace(-2, 2, 27 * 27).reshape(27, 27).requires_grad_()") for c in _BIGRAM_NET],
    cells=True,
    note="the generator's randn replaced by a fixed pattern; names.txt by ten names")

# == Dive into Deep Learning: 2.5 Automatic Differentiation ==============================================

_D2L_SIMPLE = ["import torch", "x = torch.arange(4.0)\nx", """\
# Can also create x = torch.arange(4.0, requires_grad=True)
x.requires_grad_(True)
x.grad  # The gradient is None by default
""", "y = 2 * torch.dot(x, x)\ny", "y.backward()\nx.grad", "x.grad == 4 * x"]
case("d2l-simple-function", "d2l", _D2L_SIMPLE, cells=True)
case("d2l-sum", "d2l", _D2L_SIMPLE + ["""\
x.grad.zero_()  # Reset the gradient
y = x.sum()
y.backward()
x.grad
"""], cells=True)
case("d2l-non-scalar", "d2l", _D2L_SIMPLE + ["""\
x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))  # Faster: y.sum().backward()
x.grad
"""], cells=True)
case("d2l-detach", "d2l", _D2L_SIMPLE + ["""\
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x

z.sum().backward()
x.grad == u
""", """\
x.grad.zero_()
y.sum().backward()
x.grad == 2 * x
"""], cells=True)
_D2L_F = """\
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
"""
case("d2l-control-flow", "d2l", ["import torch", _D2L_F, """\
a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
""", "a.grad == d / a"], cells=True, mask="numbers")
case("d2l-control-flow-fixed", "d2l", ["import torch", _D2L_F, """\
a = torch.tensor(-0.8, requires_grad=True)
d = f(a)
d.backward()
""", "a.grad == d / a", "a.grad, d"], cells=True,
     note="torch.randn(size=()) replaced by a fixed value (negative: the other branch); a.grad and d shown")

# == Build a Large Language Model (From Scratch), appendix A: introduction to PyTorch ======================

case("llm-cuda-available", "llm-appendix-a", "import torch\nprint(torch.cuda.is_available())\n")
case("llm-graph-bce", "llm-appendix-a", """\
import torch
import torch.nn.functional as F

y = torch.tensor([1.0])  # true label
x1 = torch.tensor([1.1]) # input feature
w1 = torch.tensor([2.2]) # weight parameter
b = torch.tensor([0.0])  # bias unit

z = x1 * w1 + b          # net input
a = torch.sigmoid(z)     # activation & output

loss = F.binary_cross_entropy(a, y)
print(loss)
""")
case("llm-autograd-grad", "llm-appendix-a", ["""\
import torch
import torch.nn.functional as F
from torch.autograd import grad

y = torch.tensor([1.0])
x1 = torch.tensor([1.1])
w1 = torch.tensor([2.2], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)

z = x1 * w1 + b 
a = torch.sigmoid(z)

loss = F.binary_cross_entropy(a, y)

grad_L_w1 = grad(loss, w1, retain_graph=True)
grad_L_b = grad(loss, b, retain_graph=True)

print(grad_L_w1)
print(grad_L_b)
""", """\
loss.backward()

print(w1.grad)
print(b.grad)
"""], cells=True)
_LLM_NET = """\
import torch
class NeuralNetwork(torch.nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()

        self.layers = torch.nn.Sequential(
                
            # 1st hidden layer
            torch.nn.Linear(num_inputs, 30),
            torch.nn.ReLU(),

            # 2nd hidden layer
            torch.nn.Linear(30, 20),
            torch.nn.ReLU(),

            # output layer
            torch.nn.Linear(20, num_outputs),
        )

    def forward(self, x):
        logits = self.layers(x)
        return logits
"""
case("llm-mlp", "llm-appendix-a", [_LLM_NET, "model = NeuralNetwork(50, 3)", "print(model)", """\
num_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print("Total number of trainable model parameters:", num_params)
""", "print(model.layers[0].weight.shape)"], cells=True)
case("llm-mlp-forward-fixed", "llm-appendix-a", [_LLM_NET, """\
torch.manual_seed(123)

model = NeuralNetwork(50, 3)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.linspace(-0.2, 0.2, p.numel()).reshape(p.shape))
print(model.layers[0].weight)
""", """\
X = torch.linspace(0, 1, 50).reshape(1, 50)
out = model(X)
print(out)
""", """\
with torch.no_grad():
    out = model(X)
print(out)
""", """\
with torch.no_grad():
    out = torch.softmax(model(X), dim=1)
print(out)
"""], cells=True, note="weights and X: fixed patterns instead of the seeded random ones")
case("llm-mlp-forward", "llm-appendix-a", [_LLM_NET, """\
torch.manual_seed(123)

model = NeuralNetwork(50, 3)
print(model.layers[0].weight)
""", """\
torch.manual_seed(123)

X = torch.rand((1, 50))
out = model(X)
print(out)
""", """\
with torch.no_grad():
    out = model(X)
print(out)
""", """\
with torch.no_grad():
    out = torch.softmax(model(X), dim=1)
print(out)
"""], cells=True, mask="numbers")
_LLM_DATA = ["""\
import torch
X_train = torch.tensor([
    [-1.2, 3.1],
    [-0.9, 2.9],
    [-0.5, 2.6],
    [2.3, -1.1],
    [2.7, -1.5]
])

y_train = torch.tensor([0, 0, 0, 1, 1])
""", """\
X_test = torch.tensor([
    [-0.8, 2.8],
    [2.6, -1.6],
])

y_test = torch.tensor([0, 1])
""", """\
from torch.utils.data import Dataset


class ToyDataset(Dataset):
    def __init__(self, X, y):
        self.features = X
        self.labels = y

    def __getitem__(self, index):
        one_x = self.features[index]
        one_y = self.labels[index]        
        return one_x, one_y

    def __len__(self):
        return self.labels.shape[0]

train_ds = ToyDataset(X_train, y_train)
test_ds = ToyDataset(X_test, y_test)
""", "len(train_ds)"]
_LLM_TEST_LOADER = """\
from torch.utils.data import DataLoader
test_ds = ToyDataset(X_test, y_test)

test_loader = DataLoader(
    dataset=test_ds,
    batch_size=2,
    shuffle=False,
    num_workers=0
)
"""
_LLM_SHUFFLED = """\
from torch.utils.data import DataLoader

torch.manual_seed(123)

train_loader = DataLoader(
    dataset=train_ds,
    batch_size=2,
    shuffle=True,
    num_workers=0
)
"""
_LLM_PRINT_BATCHES = """\
for idx, (x, y) in enumerate(train_loader):
    print(f"Batch {idx+1}:", x, y)
"""
case("llm-dataset-loader", "llm-appendix-a", _LLM_DATA + [_LLM_TEST_LOADER, """\
for idx, (x, y) in enumerate(test_loader):
    print(f"Batch {idx+1}:", x, y)
"""], cells=True, note="the test loader (shuffle=False) iterated as the train loader is in the book")
case("llm-shuffled-loader", "llm-appendix-a", _LLM_DATA + [_LLM_SHUFFLED, _LLM_PRINT_BATCHES, """\
train_loader = DataLoader(
    dataset=train_ds,
    batch_size=2,
    shuffle=True,
    num_workers=0,
    drop_last=True
)
""", _LLM_PRINT_BATCHES], cells=True, why="the order is the point; llm-dataset-loader checks unshuffled batches exactly", mask="numbers",
     note="shuffled order differs from torch's (gradlab's generator is NumPy's): numbers masked")
_LLM_TRAIN = """\
import torch.nn.functional as F


torch.manual_seed(123)
model = NeuralNetwork(num_inputs=2, num_outputs=2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)

num_epochs = 3

for epoch in range(num_epochs):
    
    model.train()
    for batch_idx, (features, labels) in enumerate(train_loader):

        logits = model(features)
        
        loss = F.cross_entropy(logits, labels) # Loss function
        
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    
        ### LOGGING
        print(f"Epoch: {epoch+1:03d}/{num_epochs:03d}"
              f" | Batch {batch_idx+1:03d}/{len(train_loader):03d}"
              f" | Train/Val Loss: {loss:.2f}")

    model.eval()
    # Optional model evaluation
"""
_LLM_EVAL = ["""\
model.eval()

with torch.no_grad():
    outputs = model(X_train)

print(outputs)
""", """\
torch.set_printoptions(sci_mode=False)
probas = torch.softmax(outputs, dim=1)
print(probas)

predictions = torch.argmax(probas, dim=1)
print(predictions)
""", """\
predictions = torch.argmax(outputs, dim=1)
print(predictions)
""", "predictions == y_train", "torch.sum(predictions == y_train)", """\
def compute_accuracy(model, dataloader):

    model.eval()
    correct = 0.0
    total_examples = 0
    
    for idx, (features, labels) in enumerate(dataloader):
        
        with torch.no_grad():
            logits = model(features)
        
        predictions = torch.argmax(logits, dim=1)
        compare = labels == predictions
        correct += torch.sum(compare)
        total_examples += len(compare)

    return (correct / total_examples).item()
""", "compute_accuracy(model, train_loader)", "compute_accuracy(model, test_loader)"]
case("llm-training-loop", "llm-appendix-a", [_LLM_NET] + _LLM_DATA + [_LLM_SHUFFLED, _LLM_TEST_LOADER, _LLM_TRAIN] + _LLM_EVAL,
     cells=True, mask="numbers")
case("llm-training-loop-fixed", "llm-appendix-a", [_LLM_NET] + _LLM_DATA + [
    _LLM_SHUFFLED.replace("shuffle=True", "shuffle=False"), _LLM_TEST_LOADER,
    _LLM_TRAIN.replace("optimizer = torch.optim.SGD", "with torch.no_grad():\n    for p in model.parameters():\n"
                       "        p.copy_(torch.linspace(-0.5, 0.5, p.numel()).reshape(p.shape))\noptimizer = torch.optim.SGD")] + _LLM_EVAL,
     cells=True,
     note="shuffle=False and initial weights set to a fixed pattern, so that the numbers can be compared")

import corpus_more  # noqa: E402,F401  (more cases: makemore 2 and 4, dlwpt, uvadlc, mrdbourke)
