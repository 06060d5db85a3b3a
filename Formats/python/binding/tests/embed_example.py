import kiln

with kiln.load("Formats/models/fashion-dcgan-int8.kiln", threads=2) as model:
    print(model.info["name"], model.info["precision"], model.info["latent_dim"])
    images = model.generate(seed=7, count=4)             # float32 [4, 1, 28, 28] in [-1, 1]
    z = model.latent(7)                                    # the latent vector of seed 7
    assert (model.run(z[None, :]) == images[:1]).all()     # the graph on your own input
    print("seed 7, centre pixel %.4f" % images[0, 0, 14, 14])
