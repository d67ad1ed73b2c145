"""Faster R-CNN train steps with oneDNN on, each step on a fresh thread (or all on one): count non-finite steps."""
import math, sys, threading, torch, torchvision
from torchvision.models.detection import fasterrcnn_mobilenet_v3_large_320_fpn

mode, steps = sys.argv[1], int(sys.argv[2])          # mode: fresh | one
torch.backends.mkldnn.enabled = sys.argv[3] == "on"
torch.manual_seed(0)
model = fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None, num_classes=4, min_size=96, max_size=96)
model.train()
opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9, weight_decay=1e-4)
g = torch.Generator().manual_seed(1)
images = [torch.rand(3, 96, 96, generator=g) for _ in range(2)]
targets = [{"boxes": torch.tensor([[10., 12., 50., 60.], [40., 30., 90., 80.]]), "labels": torch.tensor([1, 2])},
           {"boxes": torch.tensor([[5., 5., 40., 45.]]), "labels": torch.tensor([3])}]
bad, losses = 0, []

def step():
    global bad
    out = model(images, targets)
    total = sum(out.values())
    opt.zero_grad()
    total.backward()
    finite = all(math.isfinite(v.item()) for v in out.values()) and all(torch.isfinite(p).all() for p in model.parameters()) \
        and all(p.grad is None or torch.isfinite(p.grad).all() for p in model.parameters())
    opt.step()
    losses.append(total.item())
    bad += not finite

for _ in range(steps):
    if mode == "fresh":
        t = threading.Thread(target=step); t.start(); t.join()
    else:
        step()
print(f"torch {torch.__version__} mkldnn={torch.backends.mkldnn.enabled} mode={mode}: non-finite {bad} of {steps} steps; "
      f"last loss {losses[-1]:.6f}; loss checksum {sum(losses):.9f}")
