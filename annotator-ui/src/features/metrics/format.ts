// How the metrics pages write a cosine and a number of bits.


export const formatCosine = (v: number) => v.toFixed(3);
export const formatBits = (v: number) => v.toFixed(2);
