#include <stdio.h>
#include "kiln.h"

int main(void) {
    static float images[4 * 28 * 28];  /* 4 images of 1 x 28 x 28, values in [-1, 1] */
    kiln_model model;
    kiln_session session;
    if (kiln_model_open("Formats/models/fashion-dcgan-int8.kiln", &model) != KILN_OK ||
        kiln_session_create(model, 2, 4, &session) != KILN_OK ||           /* 2 threads, 4 per run */
        kiln_session_generate(session, 7, 4, -1, images, 4 * 28 * 28) != KILN_OK) {  /* seeds 7-10 */
        fprintf(stderr, "kiln: %s\n", kiln_last_error());
        return 1;
    }
    printf("seed 7, centre pixel %.4f\n", images[14 * 28 + 14]);
    kiln_session_release(session);
    kiln_model_release(model);
    return 0;
}
